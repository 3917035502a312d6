import { ErrorCode, VaultError, notFound, readOnly } from './errors.js';
import type { Recording } from './model.js';
import type { Principal } from './principals.js';
import { canSee } from './access.js';
import { hidesSpeakerNames, masksFor, privacyOf, roleLabel } from './privacy.js';
import { requireScope } from './recordings.js';
import type { Transcript, RedactionSpan } from '../transcripts/model.js';
import type { MetadataStore } from '../store/port.js';
import type { ArtifactStore } from '../store/artifacts-port.js';
import type { Peaks } from '../media/peaks.js';
import type { Job } from '../jobs/model.js';
import type { QueryNode } from '../search/ast.js';
import { findHits, type Hit } from '../search/hits.js';

/** Whether this caller may see what redaction hides (card numbers and the like). */
export const seesOriginals = (p: Principal): boolean => p.scopes.has('originals:read') || p.scopes.has('admin');

/** What the pipeline needs from the outside to start work on request. */
export interface PipelineControl {
  requestTranscript(accountId: string, recordingId: string): Promise<void>;
  jobsOf(accountId: string, recordingId: string): Promise<Job[]>;
}

export interface RedactionDoc { spans: RedactionSpan[] }

/**
 * Transcripts, insights and waveforms as callers may see them. Callers without the right to
 * originals get the redacted transcript, and nothing at all until redaction has run — never
 * the original by accident.
 */
export class TranscriptService {
  constructor(private readonly store: MetadataStore, private readonly artifacts: ArtifactStore, private readonly pipeline: PipelineControl,
    /** Read-only mode (config `readOnly`): transcript requests are refused with READ_ONLY. */
    private readonly readOnly = false) {}

  private async visible(p: Principal, id: string): Promise<Recording> {
    const rec = await this.store.getRecording(p.accountId, id);
    if (!rec || !canSee(p, rec)) throw notFound(`recording ${id}`);
    return rec;
  }

  private async notReady(rec: Recording, what: string): Promise<VaultError> {
    const jobs = await this.pipeline.jobsOf(rec.accountId, rec.id);
    const failed = jobs.find((j) => j.state === 'parked' && (j.kind === 'transcribe' || j.kind === 'analyse'));
    return new VaultError(ErrorCode.RESOURCE_NOT_FOUND, `recording ${rec.id} has no ${what} yet (transcriptionStatus: ${rec.transcriptionStatus}`
      + `, insightsStatus: ${rec.insightsStatus})${failed?.lastError ? `: ${failed.lastError}` : ''}`, {
      details: { transcriptionStatus: rec.transcriptionStatus, insightsStatus: rec.insightsStatus, ...(failed?.lastError ? { error: failed.lastError } : {}) },
    });
  }

  /**
   * The transcript the caller may read, and whether it is the redacted copy. Speakers are
   * named by role instead of by party when privacy masking hides party names from the caller
   * (`hideNames` when the caller has already worked that out, as a page of hits does).
   */
  async transcriptOf(p: Principal, rec: Recording, hideNames?: boolean): Promise<{ transcript: Transcript; redacted: boolean } | null> {
    const got = await this.readable(p, rec);
    if (!got || !(hideNames ?? await this.hidesNames(p))) return got;
    return { ...got, transcript: { ...got.transcript, cues: got.transcript.cues.map((c) => ({ ...c, speaker: roleLabel(c.speakerRole) })) } };
  }

  private async readable(p: Principal, rec: Recording): Promise<{ transcript: Transcript; redacted: boolean } | null> {
    const original = await this.artifacts.getDoc<Transcript>(rec.accountId, rec.id, 'transcript');
    if (!original) return null;
    if (seesOriginals(p)) return { transcript: original, redacted: false };
    const redaction = await this.artifacts.getDoc<RedactionDoc>(rec.accountId, rec.id, 'redaction');
    if (!redaction) return null;
    if (redaction.spans.length === 0) return { transcript: original, redacted: false };
    const redacted = await this.artifacts.getDoc<Transcript>(rec.accountId, rec.id, 'transcript.redacted');
    return redacted ? { transcript: redacted, redacted: true } : null;
  }

  private async hidesNames(p: Principal): Promise<boolean> {
    if (p.kind !== 'user' || p.role !== 'supervisor') return false;
    const masks = masksFor(p, privacyOf((await this.store.getAccount(p.accountId))?.settings));
    return !!masks && hidesSpeakerNames(masks);
  }

  async transcript(p: Principal, id: string): Promise<{ recording: Recording; transcript: Transcript; redacted: boolean }> {
    requireScope(p, 'transcripts:read');
    const rec = await this.visible(p, id);
    const got = rec.transcriptionStatus === 'ready' ? await this.transcriptOf(p, rec) : null;
    if (!got) throw await this.notReady(rec, 'transcript');
    return { recording: rec, ...got };
  }

  /** Asks for (another) transcription; answers the recording with its new status. */
  async request(p: Principal, id: string): Promise<Recording> {
    requireScope(p, 'transcripts:read');
    requireScope(p, 'recordings:write');
    if (this.readOnly) throw readOnly();
    const rec = await this.visible(p, id);
    if (!rec.media.some((m) => m.kind === 'audio' && m.status === 'available')) {
      throw new VaultError(ErrorCode.CONFLICT, `recording ${id} has no audio to transcribe`);
    }
    await this.pipeline.requestTranscript(p.accountId, id);
    return (await this.store.getRecording(p.accountId, id)) ?? rec;
  }

  async insights(p: Principal, id: string): Promise<unknown> {
    requireScope(p, 'transcripts:read');
    const rec = await this.visible(p, id);
    const doc = rec.insightsStatus === 'ready' ? await this.artifacts.getDoc<Record<string, unknown>>(rec.accountId, id, 'insights') : null;
    // Insights are computed from the redacted transcript, so keywords and summary quote nothing sensitive.
    if (!doc) throw await this.notReady(rec, 'insights');
    return doc;
  }

  async peaks(p: Principal, id: string): Promise<Record<string, Peaks>> {
    requireScope(p, 'media:read');
    const rec = await this.visible(p, id);
    const doc = await this.artifacts.getDoc<Record<string, Peaks>>(rec.accountId, id, 'peaks');
    if (!doc) throw new VaultError(ErrorCode.RESOURCE_NOT_FOUND, `recording ${id} has no waveform yet (media processing has not finished)`);
    return doc;
  }

  /**
   * Where a search matched inside each listed recording (cues of the transcript this caller may
   * read, so a redacted word never shows up in a hit). Recordings found through notes alone
   * carry an empty list.
   */
  async hits(p: Principal, recs: readonly Recording[], query: QueryNode, perRecording = 20): Promise<Map<string, Hit[]>> {
    const out = new Map<string, Hit[]>();
    if (!p.scopes.has('transcripts:read')) return out;
    // The masking settings are the account's: read once for the whole page.
    const hideNames = await this.hidesNames(p);
    await Promise.all(recs.map(async (rec) => {
      const got = rec.transcriptionStatus === 'ready' ? await this.transcriptOf(p, rec, hideNames) : null;
      out.set(rec.id, got ? findHits(query, got.transcript.cues, { limit: perRecording }) : []);
    }));
    return out;
  }

  async jobs(p: Principal, id: string): Promise<Job[]> {
    requireScope(p, 'recordings:read');
    const rec = await this.visible(p, id);
    return this.pipeline.jobsOf(rec.accountId, id);
  }
}
