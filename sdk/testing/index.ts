/**
 * `#sdk/testing`: the plugin test kit. `startFederation` runs two or three in-process Meshwork servers with the
 * plugins under test (real signatures, users logged in, `down()`/`up()` for outages); `share`, `accept`, `decline`,
 * `revoke` drive the share lifecycle through the client API; `runConformance` registers the suite every
 * resource-type plugin must pass. Use it from mocha test files (`npm test`).
 */
export {
  startFederation,
  eventually,
  share,
  accept,
  decline,
  revoke,
  outgoingShare,
  storedIncoming,
  signedPost,
  type Federation,
  type FederationOptions,
  type FederationServer,
  type SharePair,
} from './federation.ts';
export { runConformance, type ConformanceAdapter } from './conformance.ts';
