/**
 * The long tier of the hostile-input tests: every group of tests/hostile/fast.test.ts again, with
 * the whole corpus in every field instead of a sample, and 25 times the property-based runs.
 * `npm run test:hostile` sets GD_HOSTILE_FULL=1, which tests/hostile/corpus.ts reads.
 */
import './fast.test.ts';
