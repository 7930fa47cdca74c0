import { api } from '../../../../libs/http/api';

export const handler = api('deleteApp', async ({ params, principal, services }) => {
  const { abortedMessages } = await services.apps.delete(principal, params.appId);
  // 204 as the contract binds it; how many pending messages the deletion aborted travels in a header.
  return { status: 204, headers: { 'punctual-aborted-messages': String(abortedMessages) } };
});
