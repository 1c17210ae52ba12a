/** Path parameters. A key that cannot exist is the caller's mistake (400), not a missing thing. */
import type { Request } from 'express';
import { Invalid } from '../errors.js';
import { pointer, problem } from '../schemas.js';

const INT64_MAX = 9223372036854775807n;

export function pathKey(req: Request, name: string): string {
  const v = req.params[name];
  if (typeof v !== 'string' || !/^[1-9]\d{0,18}$/.test(v) || BigInt(v) > INT64_MAX) {
    throw new Invalid(`${name} must be a key: a positive 64-bit integer in decimal, not ${JSON.stringify(v)}`, [
      {
        parameter: name,
        value: v,
        message: 'must be a positive 64-bit integer in decimal',
        ...problem(pointer(name), 'phải là một khóa: số nguyên dương 64 bit, viết ở hệ thập phân', 'must be a key: a positive 64-bit integer in decimal'),
      },
    ]);
  }
  return v;
}
