/**
 * The security headers of every response, declared once for both runtimes: the handlers' results and error results
 * (so API Gateway passes them on from the Lambdas), the embedded gateway's own answers (routing errors, refused
 * credentials, malformed requests), the docs, and API Gateway's own refusals (infra/gateway-responses.ts).
 */

/**
 * Every response: no MIME sniffing, no referrer leaves a page, no framing (clickjacking), and a policy that lets a
 * JSON answer load nothing, should a browser ever render one.
 */
export const securityHeaders: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

/**
 * Content-Security-Policy of the HTML pages punctual serves (Swagger UI at /docs; the console uses the same headers):
 * scripts, styles and API calls from this origin only, images from it or `data:` URIs (the favicons travel inside the
 * page, Swagger UI's stylesheet draws its icons so); no inline script or style, no eval, no plugin, no framing.
 * libs/gateway/docs.browser.test.ts checks in Chromium that Swagger UI works under it.
 */
export const pageContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The headers of an HTML page and its assets: the security headers with the page's policy. */
export const pageHeaders: Readonly<Record<string, string>> = { ...securityHeaders, 'content-security-policy': pageContentSecurityPolicy };

/** The headers of an API answer: the security headers, and never cached (some answers carry a key or a secret shown once). */
export const apiHeaders: Readonly<Record<string, string>> = { 'cache-control': 'no-store', ...securityHeaders };

/** The headers of an API answer with a JSON body (every error, most answers). */
export const jsonHeaders: Readonly<Record<string, string>> = { 'content-type': 'application/json', ...apiHeaders };
