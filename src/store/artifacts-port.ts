import type { MediaSecret } from './port.js';

/** A derived audio file of one media file (playback Opus/MP3, redacted copy). */
export interface Rendition {
  mediaId: string;
  name: RenditionName;
  mimeType: string;
  secret: MediaSecret;
  createdAt: number;
}

export const RENDITION_NAMES = ['playback.opus', 'playback.mp3', 'redacted.opus', 'redacted.mp3'] as const;
export type RenditionName = (typeof RENDITION_NAMES)[number];

/** Derived JSON documents kept per recording. */
export const DOC_NAMES = ['transcript', 'transcript.redacted', 'insights', 'peaks', 'redaction'] as const;
export type DocName = (typeof DOC_NAMES)[number];

/**
 * What the pipeline derives from a recording: JSON documents and sealed renditions. Rows hang
 * off the live recording; writing to a deleted or unknown recording writes nothing (false),
 * so a job finishing after a delete cannot bring data back.
 */
export interface ArtifactStore {
  putDoc(accountId: string, recordingId: string, name: DocName, doc: unknown): Promise<boolean>;
  getDoc<T>(accountId: string, recordingId: string, name: DocName): Promise<T | null>;
  deleteDocs(accountId: string, recordingId: string, names: readonly DocName[]): Promise<void>;
  /** Records a sealed rendition; returns the secret of the one it replaced (to erase), false if the recording is gone. */
  putRendition(accountId: string, recordingId: string, r: Omit<Rendition, 'createdAt'>): Promise<MediaSecret | null | false>;
  getRendition(accountId: string, recordingId: string, mediaId: string, name: RenditionName): Promise<Rendition | null>;
  listRenditions(accountId: string, recordingId: string): Promise<Rendition[]>;
}
