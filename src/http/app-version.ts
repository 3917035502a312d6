/** The version callvault's own API and the doors report. */
export const API_VERSION = '0.1.0';
