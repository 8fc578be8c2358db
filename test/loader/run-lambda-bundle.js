/**
 * Runs a Lambda function's bundle the way the Node.js runtime does, under plain node: from the bundle's folder
 * (Lambda's /var/task), the handler named `file.export` called with the event and a context whose
 * getRemainingTimeInMillis counts down from the given budget. Prints the function's own output, then one line
 * `RESULT {json}` or `ERROR {"errorType","errorMessage"}` (what Lambda reports), and exits 0 or 1.
 *
 * Usage: node run-lambda-bundle.js <bundle dir> <handler> <event json> <remaining ms>
 * Plain JavaScript, not TypeScript: the bundle runs with nothing of the project's tooling loaded.
 */
'use strict';
const { join } = require('node:path');
const { randomUUID } = require('node:crypto');

const [dir, handlerName, eventJson, remainingMs] = process.argv.slice(2);
const [file, exported] = handlerName.split('.');
process.chdir(dir);
const deadline = Date.now() + Number(remainingMs);
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  awsRequestId: randomUUID(),
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const report = (line) => new Promise((resolve) => process.stdout.write(`${line}\n`, resolve));
Promise.resolve()
  .then(() => require(join(dir, file))[exported](JSON.parse(eventJson), context))
  .then(
    async (result) => {
      await report(`RESULT ${JSON.stringify(result)}`);
      process.exit(0);
    },
    async (error) => {
      await report(`ERROR ${JSON.stringify({ errorType: error && error.name, errorMessage: error && error.message })}`);
      process.exit(1);
    },
  );
