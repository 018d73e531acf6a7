// The statement cache lives with the store (db/prepared.ts); kept here for the ledger's imports.
export { prepared } from '../../db/prepared';
