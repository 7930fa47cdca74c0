/**
 * Types of the files functions/docs/assets.ts imports with `with { type }` attributes (esbuild
 * inlines them; see there). Exact module names, so no other import is typed by accident.
 */
declare module '*/openapi.yaml' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui-bundle.js' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/swagger-ui.css' {
  const text: string;
  export default text;
}
declare module 'swagger-ui-dist/favicon-16x16.png' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module 'swagger-ui-dist/favicon-32x32.png' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*/console/dist/app.js' {
  const text: string;
  export default text;
}
declare module '*/console/dist/app.css' {
  const text: string;
  export default text;
}
