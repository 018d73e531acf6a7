// Migration 5: the commission rollup. FROZEN once released.
//
// commission_daily holds the ledger's amounts summed per beneficiary, accrual day, level and
// the day the entry's order was completed ('' while it is not), so an agent's commissions over
// a period, by level and by pending / payable, are a range read of a few rows per day instead
// of a status test per entry (a 总代 with a team of thousands has ~100,000 entries over two
// years). Entries in settlements are taken out of it by the reader (they are few per agent and
// period compared with the rest, and settling does not touch this table).
//
// It is derived data, kept in step by triggers on every write to commission_entries and on
// every change of an order's completion, whoever writes (services, imports, the demo loader,
// sync laying rows down in any order): the invariant is
//   amount(agent, accrued_on, level, completed_on) = sum of the entries with those values,
//   completed_on = the UTC day of orders.completed_at when the order exists and is completed.
// Rows whose amount came back to 0 may stay. Payable = completed_on <> '' and
// date(completed_on, '+window days') <= as-of day: the same test core/commissions/status.ts
// makes per entry on orders.completed_at.
const completedOn = (o: string) =>
  `coalesce(CASE WHEN ${o}.status = 'completed' THEN date(${o}.completed_at) END, '')`;

const COLUMNS = '(agent_id, accrued_on, level, completed_on, amount)';
const ADD =
  'ON CONFLICT (agent_id, accrued_on, level, completed_on) DO UPDATE SET amount = amount + excluded.amount';

/** Adds (sign +) or takes out (sign -) one entry row (NEW or OLD). */
const entryRow = (row: 'NEW' | 'OLD', sign: '' | '-') => `
  INSERT INTO commission_daily ${COLUMNS}
  VALUES (${row}.agent_id, ${row}.accrued_on, ${row}.level,
          coalesce((SELECT ${completedOn('o')} FROM orders o WHERE o.id = ${row}.order_id), ''),
          ${sign}${row}.amount)
  ${ADD};`;

/** Moves the entries of order `id` from completion day `from` to `to`. */
const moveOrder = (id: string, from: string, to: string) => `
  INSERT INTO commission_daily ${COLUMNS}
  SELECT e.agent_id, e.accrued_on, e.level, ${from}, -sum(e.amount)
    FROM commission_entries e WHERE e.order_id = ${id} GROUP BY 1, 2, 3
  ${ADD};
  INSERT INTO commission_daily ${COLUMNS}
  SELECT e.agent_id, e.accrued_on, e.level, ${to}, sum(e.amount)
    FROM commission_entries e WHERE e.order_id = ${id} GROUP BY 1, 2, 3
  ${ADD};`;

/** The rollup recomputed from the ledger (the migration's fill, and figures checks). */
export const COMMISSION_DAILY_SELECT_V5 = `
  SELECT e.agent_id, e.accrued_on, e.level, ${completedOn('o')}, sum(e.amount)
    FROM commission_entries e LEFT JOIN orders o ON o.id = e.order_id
   GROUP BY 1, 2, 3, 4`;

export const sql = `
CREATE TABLE commission_daily (
  agent_id TEXT NOT NULL,
  accrued_on TEXT NOT NULL,
  level INTEGER NOT NULL,
  completed_on TEXT NOT NULL,
  amount INTEGER NOT NULL,
  PRIMARY KEY (agent_id, accrued_on, level, completed_on)
) STRICT, WITHOUT ROWID;

INSERT INTO commission_daily ${COLUMNS} ${COMMISSION_DAILY_SELECT_V5};

CREATE TRIGGER commission_daily_entry_i AFTER INSERT ON commission_entries BEGIN
  ${entryRow('NEW', '')}
END;
CREATE TRIGGER commission_daily_entry_d AFTER DELETE ON commission_entries BEGIN
  ${entryRow('OLD', '-')}
END;
CREATE TRIGGER commission_daily_entry_u AFTER UPDATE ON commission_entries BEGIN
  ${entryRow('OLD', '-')}
  ${entryRow('NEW', '')}
END;

CREATE TRIGGER commission_daily_order_i AFTER INSERT ON orders
  WHEN ${completedOn('NEW')} <> '' BEGIN
  ${moveOrder('NEW.id', "''", completedOn('NEW'))}
END;
CREATE TRIGGER commission_daily_order_d AFTER DELETE ON orders
  WHEN ${completedOn('OLD')} <> '' BEGIN
  ${moveOrder('OLD.id', completedOn('OLD'), "''")}
END;
CREATE TRIGGER commission_daily_order_u AFTER UPDATE OF id, status, completed_at ON orders
  WHEN ${completedOn('OLD')} <> ${completedOn('NEW')} OR OLD.id <> NEW.id BEGIN
  ${moveOrder('OLD.id', completedOn('OLD'), "''")}
  ${moveOrder('NEW.id', "''", completedOn('NEW'))}
END;
`;
