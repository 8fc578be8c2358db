/**
 * The Redshift target's code path — the pipeline and every question through the Data API warehouse, against
 * the local Data API endpoint — on the rules data set, against the independent model (not against the local
 * path's results, which would share any mistake of the SQL).
 */
import { RedshiftDataApiWarehouse } from '../../lib/warehouse/redshift/redshift-warehouse';
import { writeRulesSource } from '../fixtures/rules-source';
import { describeDifferential, temporarySource } from '../model/differential';
import { startLocalEndpoint } from './local-endpoint';

const rules = temporarySource((dir) => writeRulesSource(dir));
afterAll(() => rules.remove());

async function openThroughDataApi(source: string) {
  const local = await startLocalEndpoint({}, { 'udacity-dend': source });
  const warehouse = new RedshiftDataApiWarehouse({ workgroupName: 'sparkify', database: 'dev', region: 'us-west-2', client: local.client });
  return {
    warehouse,
    async dispose() {
      await warehouse.close();
      await local.dispose();
    },
  };
}

describe('the rules data set through the local Data API endpoint', () => {
  describeDifferential(() => rules.dir, { open: openThroughDataApi });
});
