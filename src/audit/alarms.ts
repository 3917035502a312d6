import { CLEAR_OF, type LogType, type RaiseType, type SystemActivityType, type SystemEventInput } from './model.js';

const RAISING: ReadonlySet<string> = new Set(['alarm', 'warning', 'error']);

/**
 * Keyed conditions (low disk, log writes failing…): raising an active key again records
 * nothing, clearing records the matching *Clear once. The state is seeded from the last event
 * of each key in the log, so a restart neither repeats an alarm nor forgets to clear it.
 * Each process keeps its own view; two servers on one database may each record a condition.
 */
export class Alarms {
  private readonly active = new Map<string, { type: RaiseType; activityType: SystemActivityType }>();
  private readonly loaded: Promise<void>;

  constructor(
    load: () => Promise<Array<{ key: string; logType: string; activityType: string }>>,
    private readonly emit: (e: SystemEventInput) => void,
  ) {
    this.loaded = load().then((events) => {
      for (const e of events) {
        if (RAISING.has(e.logType)) this.active.set(e.key, { type: e.logType as RaiseType, activityType: e.activityType as SystemActivityType });
      }
    }, () => undefined);
  }

  /** Records the condition unless it is already active; true when it recorded. */
  async raise(key: string, type: RaiseType, activityType: SystemActivityType, description: string, data?: Record<string, unknown>): Promise<boolean> {
    await this.loaded;
    if (this.active.has(key)) return false;
    this.active.set(key, { type, activityType });
    this.emit({ at: Date.now(), logType: type, activityType, description, alarmKey: key, data: data ?? null });
    return true;
  }

  /** Records the end of an active condition; true when it recorded. */
  async clear(key: string, description: string, data?: Record<string, unknown>): Promise<boolean> {
    await this.loaded;
    const was = this.active.get(key);
    if (!was) return false;
    this.active.delete(key);
    const logType: LogType = CLEAR_OF[was.type];
    this.emit({ at: Date.now(), logType, activityType: was.activityType, description, alarmKey: key, data: data ?? null });
    return true;
  }

  isActive(key: string): boolean {
    return this.active.has(key);
  }
}
