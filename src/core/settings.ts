import { notFound, readOnly } from './errors.js';
import type { Principal } from './principals.js';
import { privacyOf, type PrivacySettings } from './privacy.js';
import { pipelinePolicyOf, validPipelinePolicy, type PipelinePolicy } from './pipeline-policy.js';
import { requireScope } from './recordings.js';
import type { MetadataStore } from '../store/port.js';

/** Account-level settings; only callers with the admin scope may read or change them. */
export class SettingsService {
  /** `readOnly`: config `readOnly`, every change refused with READ_ONLY. */
  constructor(private readonly store: MetadataStore, private readonly readOnly = false) {}

  async privacy(p: Principal): Promise<PrivacySettings> {
    requireScope(p, 'admin');
    const acc = await this.store.getAccount(p.accountId);
    if (!acc) throw notFound('account');
    return privacyOf(acc.settings);
  }

  async pipeline(p: Principal): Promise<PipelinePolicy> {
    requireScope(p, 'admin');
    const acc = await this.store.getAccount(p.accountId);
    if (!acc) throw notFound('account');
    return pipelinePolicyOf(acc.settings);
  }

  /** Changes the processing policy; fields left out keep their value. */
  async setPipeline(p: Principal, body: unknown): Promise<PipelinePolicy> {
    requireScope(p, 'admin');
    if (this.readOnly) throw readOnly();
    const acc = await this.store.getAccount(p.accountId);
    if (!acc) throw notFound('account');
    const policy = validPipelinePolicy({ ...pipelinePolicyOf(acc.settings), ...(body as Record<string, unknown>) });
    await this.store.updateAccountSettings(acc.id, { ...acc.settings, pipeline: policy });
    return policy;
  }

  async setPrivacy(p: Principal, privacy: PrivacySettings | null): Promise<PrivacySettings> {
    requireScope(p, 'admin');
    if (this.readOnly) throw readOnly();
    const acc = await this.store.getAccount(p.accountId);
    if (!acc) throw notFound('account');
    const settings = { ...acc.settings };
    if (privacy === null) delete settings.privacy;
    else settings.privacy = { agentFields: [...new Set(privacy.agentFields)], customerFields: [...new Set(privacy.customerFields)] };
    await this.store.updateAccountSettings(acc.id, settings);
    return privacyOf(settings);
  }
}
