export { findSensitive } from './find.js';
export { REDACTION_LABELS, redactTranscript } from './redact-transcript.js';
export { luhnValid } from './digits.js';
