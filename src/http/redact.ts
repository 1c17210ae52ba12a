/**
 * Personal identifiers never reach a log line in clear (security/personal-data.ts says what is
 * masked and how). `maskingLoggerOptions` applies it to every message and every string value of
 * every pino log line, so whatever a room logs is masked without it having to remember.
 */
import type { LoggerOptions } from 'pino';
import { maskDeep, maskPersonalData } from '../security/personal-data.js';

/** pino options that mask every log line: spread them into `pino({...})`. */
export const maskingLoggerOptions: Pick<LoggerOptions, 'formatters' | 'hooks'> = {
  formatters: {
    log: (obj) => maskDeep(obj) as Record<string, unknown>,
  },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : a)) as Parameters<typeof method>);
    },
  },
};
