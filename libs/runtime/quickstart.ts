import { defaultPlans, type Plan, quickstartPlanName } from '../plans/catalogue';

/** A receiver that prints each delivery, as one shell line. */
const receiverOneLiner =
  `node -e "require('http').createServer((q,s)=>{let b='';q.on('data',c=>b+=c)` +
  `.on('end',()=>{console.log(new Date().toISOString(),q.headers['webhook-id'],b);s.end()})}).listen(4000)"`;

/**
 * The banner `npm start` prints: where it listens, the admin token when generated (or where it comes from), and
 * copy-paste curl lines whose tenant is on the quickstart plan.
 */
export const quickstart = (url: string, generatedAdminToken?: string, adminTokenFromEnv = false): string => {
  const token = generatedAdminToken
    ? `Admin token (shown once; only its hash is stored):\n\n  export PUNCTUAL_ADMIN_TOKEN=${generatedAdminToken}\n`
    : adminTokenFromEnv
      ? "Admin token: the value of PUNCTUAL_ADMIN_TOKEN in this server's environment.\n"
      : 'Admin token: the one printed when it was generated\n' +
        '(export it as PUNCTUAL_ADMIN_TOKEN for the lines below). Lost it? `npx punctual admin-token rotate`\n' +
        'prints a new one, which this server accepts within a second.\n';
  const trial = defaultPlans[quickstartPlanName];
  const perDay = (p: Plan) => p.quota?.limit.toLocaleString('en-US');
  return `
punctual is listening on ${url}   API docs: ${url}/docs

${token}
Quickstart (needs curl and jq; run the receiver in another terminal first:
  ${receiverOneLiner}
). The tenant is on the "${quickstartPlanName}" plan (${trial.throttle?.rateLimit}/s, ${perDay(trial)} requests a day),
made for exploring; the default plan, "free", allows ${perDay(defaultPlans.free)} a day.

  export P=${url}
  KEY=$(curl -s -X POST $P/v1/tenants -H "authorization: Bearer $PUNCTUAL_ADMIN_TOKEN" \\
    -H 'content-type: application/json' -d '{"name":"acme","plan":"${quickstartPlanName}"}' | jq -r .controlKey.key)
  APP=$(curl -s -X POST $P/v1/apps -H "x-api-key: $KEY" -H 'content-type: application/json' \\
    -d '{"name":"demo","target":{"type":"http","url":"http://127.0.0.1:4000/hook"}}' | jq -r .id)
  curl -s -X POST $P/v1/messages -H "x-api-key: $KEY" -H 'content-type: application/json' \\
    -d "{\\"appId\\":\\"$APP\\",\\"delaySeconds\\":5,\\"payload\\":{\\"hello\\":\\"world\\"}}" | jq

`;
};
