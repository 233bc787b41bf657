import { badInput } from '@railgraph/service-kit';

export const NAME_MAX_LENGTH = 100;

/** The trimmed display name, or BAD_USER_INPUT unless it is 1 to 100 characters. */
export function checkName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (length === 0) throw badInput('Enter a name', { field: 'name' });
  if (length > NAME_MAX_LENGTH) {
    throw badInput(`The name is too long: use at most ${NAME_MAX_LENGTH} characters`, { field: 'name' });
  }
  return name;
}
