/**
 * API Gateway's own refusals in punctual's error shape (`{ error, message }`, API.md), with the
 * status codes the embedded gateway uses, so clients handle one contract on both runtimes. Without
 * these a missing key is a bare 403 `{"message":"Forbidden"}` and an unknown route a 403 "Missing
 * Authentication Token".
 */
import { securityHeaders } from '../libs/http/headers';

const body = (error: string, message: string) => ({ 'application/json': JSON.stringify({ error, message }) });

/**
 * The security headers every punctual answer carries, as static mapping values. API Gateway encloses a static value in
 * single quotes and cannot escape one inside, so the Content-Security-Policy (`'none'`) stays with the functions'
 * answers; these refusals are JSON, and X-Frame-Options still forbids framing them.
 */
const headerParameters = Object.fromEntries(
  Object.entries(securityHeaders)
    .filter(([, value]) => !value.includes("'"))
    .map(([name, value]) => [`gatewayresponse.header.${name}`, `'${value}'`]),
);

const responses = [
  ['API_KEY', '401', 'unauthorized', 'this route needs a valid API key in x-api-key'],
  ['UNAUTHORIZED', '401', 'unauthorized', 'this route needs Authorization: Bearer <Cognito ID token>'],
  ['ACCESS_DENIED', '401', 'unauthorized', 'this route needs Authorization: Bearer <Cognito ID token>'],
  // API Gateway cannot tell an unknown path from a known path with another method (no 405 on AWS).
  ['MISSING_AUTHENTICATION_TOKEN', '404', 'not_found', 'no such route or method; see /docs'],
  ['THROTTLED', '429', 'rate_limited', "too many requests for this key's plan; retry later"],
  ['QUOTA_EXCEEDED', '429', 'quota_exceeded', "this key's plan quota is used up for the period"],
  ['REQUEST_TOO_LARGE', '413', 'payload_too_large', 'the request body is too large'],
] as const;

/** What API Gateway answers for one of its own refusals (the AWS stand-ins answer the same). */
export const gatewayResponse = (type: (typeof responses)[number][0]): { status: number; body: { error: string; message: string } } => {
  const [, status, error, message] = responses.find(([t]) => t === type)!;
  return { status: Number(status), body: { error, message } };
};

/** `AWS::ApiGateway::GatewayResponse` resources on the stack's REST API (osls names it `ApiGatewayRestApi`). */
export const gatewayResponses = () =>
  Object.fromEntries(
    responses.map(([type, status, error, message]) => [
      `GatewayResponse${type
        .toLowerCase()
        .split('_')
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('')}`,
      {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          RestApiId: { Ref: 'ApiGatewayRestApi' },
          ResponseType: type,
          StatusCode: status,
          ResponseTemplates: body(error, message),
          ResponseParameters: headerParameters,
        },
      },
    ]),
  );
