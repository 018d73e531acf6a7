import { defineAuthSuite } from './auth-suite';

defineAuthSuite('sqlite');
