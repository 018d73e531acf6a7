// Needs PostgreSQL (CI starts it); fails with a clear message when it cannot be reached.
import { defineAuthSuite } from './auth-suite';

defineAuthSuite('postgres');
