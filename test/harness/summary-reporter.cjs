// Mocha's spec output plus the closing line CI reads: "N passed, N failed[, N skipped]".
const Mocha = require('mocha');
const fs = require('node:fs');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const s = runner.stats || {};
      const skipped = s.pending ? `, ${s.pending} skipped` : '';
      process.stdout.write(`\n${s.passes || 0} passed, ${s.failures || 0} failed${skipped}\n`);
      // The parallel runner (scripts/run-tests.mjs) sums the groups' counts from these files.
      const file = process.env.MESHWORK_TEST_STATS;
      if (file)
        fs.writeFileSync(
          file,
          JSON.stringify({ passes: s.passes || 0, failures: s.failures || 0, pending: s.pending || 0 }),
        );
    });
  }
}

module.exports = SummaryReporter;
