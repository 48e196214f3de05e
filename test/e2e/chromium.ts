/** Chromium flags: no sandbox (root in a container), no GPU, nothing that phones home. Shared by the e2e harness and the bench. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
