#!/usr/bin/env node
// The operator CLI; TypeScript runs through tsx's loader, as `npm start` does.
require('tsx/cjs/api').register();
require('../libs/cli/main.ts');
