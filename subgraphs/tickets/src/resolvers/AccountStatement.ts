import type { AccountStatementResolvers } from '../__generated__/resolvers-types.js';
import { statementCsv } from '../statements/csv.js';

export const AccountStatement: AccountStatementResolvers = {
  // Rendered only when asked for: most reads want the lines, not the file.
  csv: (statement) => statementCsv(statement),
};
