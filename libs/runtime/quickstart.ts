/** A receiver that prints each delivery, as one shell line. */
const receiverOneLiner =
  `node -e "require('http').createServer((q,s)=>{let b='';q.on('data',c=>b+=c)` +
  `.on('end',()=>{console.log(new Date().toISOString(),q.headers['webhook-id'],b);s.end()})}).listen(4000)"`;

/** The banner `npm start` prints: where it listens, the admin token on first run, and copy-paste curl lines. */
export const quickstart = (url: string, generatedAdminToken?: string): string => {
  const token = generatedAdminToken
    ? `Admin token (shown once; only its hash is stored):\n\n  export PUNCTUAL_ADMIN_TOKEN=${generatedAdminToken}\n`
    : 'Admin token: the one printed on first start or set in PUNCTUAL_ADMIN_TOKEN\n' +
      '(export it as PUNCTUAL_ADMIN_TOKEN for the lines below).\n';
  return `
punctual is listening on ${url}   API docs: ${url}/docs

${token}
Quickstart (needs curl and jq; run the receiver in another terminal first:
  ${receiverOneLiner}
):

  export P=${url}
  KEY=$(curl -s -X POST $P/v1/tenants -H "authorization: Bearer $PUNCTUAL_ADMIN_TOKEN" \\
    -H 'content-type: application/json' -d '{"name":"acme"}' | jq -r .controlKey.key)
  APP=$(curl -s -X POST $P/v1/apps -H "x-api-key: $KEY" -H 'content-type: application/json' \\
    -d '{"name":"demo","target":{"type":"http","url":"http://127.0.0.1:4000/hook"}}' | jq -r .id)
  curl -s -X POST $P/v1/messages -H "x-api-key: $KEY" -H 'content-type: application/json' \\
    -d "{\\"appId\\":\\"$APP\\",\\"delaySeconds\\":5,\\"payload\\":{\\"hello\\":\\"world\\"}}" | jq

`;
};
