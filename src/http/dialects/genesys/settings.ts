import { invalid } from '../../../core/errors.js';
import type { PrivacySettings } from '../../../core/privacy.js';

/**
 * The `recording` settings group of Interaction Recording Web Services holds the two privacy
 * settings; they are the account's masking settings (core/privacy.ts), shared with every door:
 * `metadata.privacy.agent_fields` ↔ agentFields, `metadata.privacy.customer_fields` ↔ customerFields.
 */
export const SETTING_NAMES = {
  'metadata.privacy.agent_fields': 'agentFields',
  'metadata.privacy.customer_fields': 'customerFields',
} as const satisfies Record<string, keyof PrivacySettings>;
type SettingName = keyof typeof SETTING_NAMES;

const FIELD = /^[A-Za-z0-9_.-]{1,128}$/;

/** The group as Genesys lists it: each setting with its comma-separated value (blank when unset). */
export function renderSettings(p: PrivacySettings) {
  return {
    statusCode: 0,
    settings: (Object.entries(SETTING_NAMES) as Array<[SettingName, keyof PrivacySettings]>).map(([name, key]) => ({ name, value: p[key].join(',') })),
  };
}

/** A value as Genesys writes it ("a, b, c") or as a JSON array of names; the same names the native settings accept. */
function fields(name: string, value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!list || list.some((x) => typeof x !== 'string')) throw invalid(`${name}: value must be a comma-separated string of field names`, { field: 'value', statusCode: 2 });
  const names = (list as string[]).map((x) => x.trim()).filter(Boolean);
  const wrong = names.find((n) => !FIELD.test(n));
  if (wrong !== undefined) throw invalid(`${name}: '${wrong}' is not a field name (letters, digits, _ . - only)`, { field: 'value', statusCode: 10 });
  if (names.length > 100) throw invalid(`${name}: at most 100 field names`, { field: 'value', statusCode: 10 });
  return names;
}

function settingName(v: unknown): SettingName {
  if (typeof v !== 'string' || v === '') throw invalid('name is required', { field: 'name', statusCode: 1 });
  if (!(v in SETTING_NAMES)) throw invalid(`the recording group has no setting '${v}' (only ${Object.keys(SETTING_NAMES).join(', ')})`, { field: 'name', statusCode: 2 });
  return v as SettingName;
}

/**
 * The settings a POST or PUT body sets: `{"name","value"}`, or several as `{"settings":[…]}`
 * (the shape GET answers), applied over the current ones.
 */
export function applySettings(current: PrivacySettings, body: unknown): PrivacySettings {
  const b = (typeof body === 'object' && body !== null ? body : {}) as { name?: unknown; value?: unknown; settings?: unknown };
  const items = Array.isArray(b.settings) ? b.settings as Array<{ name?: unknown; value?: unknown }> : [b];
  if (!items.length) throw invalid('no setting given', { field: 'name', statusCode: 1 });
  const next: PrivacySettings = { agentFields: [...current.agentFields], customerFields: [...current.customerFields] };
  for (const item of items) {
    const name = settingName(item?.name);
    if (item.value === undefined) throw invalid(`${name}: value is required`, { field: 'value', statusCode: 1 });
    next[SETTING_NAMES[name]] = fields(name, item.value);
  }
  return next;
}

/** DELETE: the named setting back to blank, or — without a name — both. */
export function removeSettings(current: PrivacySettings, body: unknown): PrivacySettings | null {
  const name = (typeof body === 'object' && body !== null ? (body as { name?: unknown }).name : undefined);
  if (name === undefined) return null;
  return { ...current, [SETTING_NAMES[settingName(name)]]: [] };
}
