/**
 * The page's Content-Security-Policy: only the app's own scripts, styles, images and workers;
 * no inline script, no eval, no remote anything, no plugins, no form posts.
 * src/renderer/index.html carries the same policy in a meta tag (a test keeps them equal) and
 * the app protocol sends it as a header as well.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ')
