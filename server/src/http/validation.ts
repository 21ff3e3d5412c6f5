import type { z } from 'zod';
import { AppError, type FieldIssue } from '../kernel/errors.js';

/** Turns zod issues into the API's field list: one entry per bad or unknown field. */
export function toFieldIssues(issues: readonly z.core.$ZodIssue[], target: string): FieldIssue[] {
  const prefix = target === 'json' ? '' : `${target}.`;
  return issues.flatMap((issue): FieldIssue[] => {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: prefix + (path ? `${path}.${key}` : key), message: 'is not a known field' }));
    }
    return [{ field: path ? prefix + path : target === 'json' ? 'body' : target, message: issue.message }];
  });
}

/**
 * The validation hook every route uses: a failed check throws VALIDATION_FAILED
 * naming each field, and the app's error handler shapes the response.
 */
export function validationHook(result: { target: string } & ({ success: true } | { success: false; error: z.ZodError })): undefined {
  if (!result.success) {
    throw new AppError('VALIDATION_FAILED', 'The request has invalid fields.', toFieldIssues(result.error.issues, result.target));
  }
  return undefined;
}
