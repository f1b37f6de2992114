/**
 * What the browser gets for Node's `buffer`: nothing. ECharts' zrender only looks whether a
 * `Buffer` exists (for server-side rendering); without this stub the bundler ships a 20 KB Buffer
 * polyfill to every dashboard for that one check (next.config.js, turbopack.resolveAlias).
 */
export const Buffer = undefined;
export default {};
