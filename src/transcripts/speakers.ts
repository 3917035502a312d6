import type { Party, Recording } from '../core/model.js';

/** Who speaks on one channel of one media file, and where that channel sits in the recording. */
export interface ChannelSpeaker {
  mediaId: string;
  /** Channel index within the media file. */
  mediaChannel: number;
  /** Channel index across the recording's audio files, in media order. */
  channel: number;
  speaker: string;
  role: string;
  /** Where the media file starts relative to the recording, ms (multi-file calls). */
  offsetMs: number;
}

const label = (p: Party | undefined): string | undefined => p?.displayName ?? p?.upn ?? p?.phoneNumber ?? p?.extension;

/** The vault's side of the call: whoever answered, else the internal end of the call. */
function agentParty(rec: Recording): Party | undefined {
  if (rec.answeredBy) return rec.answeredBy;
  const internal = [rec.calling, rec.called].find((p) => p?.kind === 'user' || p?.id);
  if (internal) return internal;
  return rec.callDirection === 'outgoing' ? rec.calling : rec.called;
}

function customerParty(rec: Recording): Party | undefined {
  const external = [rec.calling, rec.called].find((p) => p && p.kind === 'external');
  if (external) return external;
  return rec.callDirection === 'outgoing' ? rec.called : rec.calling;
}

function nameFor(rec: Recording, role: string): string {
  switch (role) {
    case 'agent': return label(agentParty(rec)) ?? 'Agent';
    case 'customer': return label(customerParty(rec)) ?? 'Customer';
    case 'mixed': return 'Speaker';
    default: {
      const party = (rec as unknown as Record<string, Party | undefined>)[role];
      return label(party) ?? role;
    }
  }
}

/**
 * Names each audio channel from the recording's parties. Uploaders may say who is on which
 * channel (mediaInfo.channelRoles); otherwise the usual recorder layout is assumed: with two
 * channels in all (one stereo file or two mono files) the first is the agent and the second the
 * customer; a single mono channel is both (one speaker); further channels are participants.
 */
export function channelSpeakers(rec: Recording): ChannelSpeaker[] {
  const files = rec.media.filter((m) => m.kind === 'audio' && m.status === 'available');
  const total = files.reduce((n, f) => n + Math.max(1, f.channels), 0);
  const start = Date.parse(rec.startTime);
  const out: ChannelSpeaker[] = [];
  let channel = 0;
  for (const f of files) {
    const offsetMs = f.startTime ? Math.max(0, Date.parse(f.startTime) - start) : 0;
    for (let c = 0; c < Math.max(1, f.channels); c++, channel++) {
      const declared = f.channelRoles?.[c];
      const role = declared ?? (total === 1 ? 'mixed' : channel === 0 ? 'agent' : channel === 1 ? 'customer' : `participant${channel - 1}`);
      out.push({ mediaId: f.id, mediaChannel: c, channel, role, speaker: nameFor(rec, role), offsetMs });
    }
  }
  return out;
}
