import KSUID from 'ksuid';

/** Type prefixes of every id the API hands out. */
export const IdPrefix = {
  tenant: 'ten',
  app: 'app',
  key: 'key',
  message: 'msg',
  schedule: 'sch',
} as const;
export type IdPrefix = (typeof IdPrefix)[keyof typeof IdPrefix];

/** A new, time-sortable id such as `msg_2J1n0ZRWJ7yO9yNzrDEI0mWxkXx`. */
export const newId = (prefix: IdPrefix, at?: Date): string =>
  `${prefix}_${(at ? KSUID.randomSync(at) : KSUID.randomSync()).string}`;

const idPattern = /^[a-z]{3}_[0-9A-Za-z]{27}$/;

/** Whether `value` looks like an id of the given type (cheap syntactic check, no lookup). */
export const isId = (prefix: IdPrefix, value: string): boolean =>
  value.startsWith(`${prefix}_`) && idPattern.test(value);
