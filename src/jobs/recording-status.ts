import type { Recording } from '../core/model.js';
import type { MetadataStore } from '../store/port.js';

/**
 * The pipeline's own edits of a recording (statuses), with the same optimistic concurrency as
 * users' edits. `change` returns null to leave the recording as it is. Returns the stored
 * recording, or null when it is gone (deleted while the job ran).
 */
export async function updateRecording(store: MetadataStore, accountId: string, id: string,
  change: (rec: Recording) => Partial<Recording> | null): Promise<Recording | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const rev = await store.getRevision(accountId, id);
    const rec = rev === null ? null : await store.getRecording(accountId, id);
    if (rev === null || !rec) return null;
    const patch = change(rec);
    if (!patch) return rec;
    const next: Recording = { ...rec, ...patch, updatedAt: new Date().toISOString() };
    if (await store.updateRecording(next, rev)) return next;
  }
  throw new Error(`recording ${id} kept changing while the pipeline tried to update it`);
}
