// API methods of the compliance view (禁止传销条例 Art. 7).
import { method, type AnyMethod } from '../api/define';
import { today } from '../api/context';
import { complianceInput, complianceReport } from './report';

export const complianceMethods = {
  'compliance.report': method({
    summary:
      'Plan depth, entry fees charged to agents, the share of income from fees, tree size, and warnings citing the rule.',
    mutates: false,
    input: complianceInput,
    run: (ctx, input) => complianceReport(ctx.db, input, today(ctx)),
  }),
} satisfies Record<string, AnyMethod>;
