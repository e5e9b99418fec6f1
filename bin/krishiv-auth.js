#!/usr/bin/env -S node --
require('../dist/entry.cjs');
