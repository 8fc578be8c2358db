/**
 * The AWS SDK prints an eight-line notice the first time a client is built under Node 20: SDK releases after
 * the first week of January 2027 will need Node 22. This project supports Node 20 and 22 (package.json
 * engines, README); the SDK release package-lock.json pins supports both, so the notice is about an upgrade
 * not made here. It is turned off with the SDK's own switch for exactly this notice, unless the user has set
 * that switch; every other warning still shows.
 *
 * The SDK reads the switch when a client is BUILT, once per process: every place that builds a client calls
 * this first (the Data API and Serverless clients, S3 for the stage and for listing log days).
 */
export function quietNodeVersionNotice(): void {
  process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
}
