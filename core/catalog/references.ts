// Errors for a field that points at another row (supplierId, lines.2.productId): the seller
// sees which field, which id, and what to do about it.
import { AppError } from '../api/errors';

export function missingReference(what: string, id: string, field: string): AppError {
  return new AppError('NOT_FOUND', `${what} ${id} does not exist (${field}).`, {
    what,
    id,
    field,
  });
}

export function deletedReference(
  what: string,
  label: string,
  id: string,
  field: string,
  fix: string,
): AppError {
  return new AppError('INVALID_STATE', `${what} "${label}" is deleted (${field}); ${fix}.`, {
    what,
    id,
    field,
    state: 'deleted',
  });
}
