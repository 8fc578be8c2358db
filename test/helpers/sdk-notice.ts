/**
 * Run before every test file (jest.config.js setupFiles): tests build AWS SDK clients of their own (mocked,
 * or pointed at the local endpoint), and the SDK's Node-version notice is turned off for them as the tools
 * turn it off for theirs. test/redshift/sdk-notice.test.ts unsets the switch to check the tools set it.
 */
import { quietNodeVersionNotice } from '../../lib/sdk-notice';

quietNodeVersionNotice();
