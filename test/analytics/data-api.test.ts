/**
 * The Redshift target's code path: the pipeline (user_agents' parameterised INSERT batches included) and every
 * question run through the Data API warehouse, against the local Data API endpoint, and must answer exactly
 * as the local warehouse does.
 */
import { RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { answerQuestions, assertLoaded, EMPTY_WAREHOUSE } from '../../lib/analytics/answer-questions';
import { QUESTIONS } from '../../lib/analytics/questions';
import { DEFAULT_SOURCES } from '../../lib/config';
import { runPipeline } from '../../lib/pipeline/pipeline';
import { DataApiEndpoint } from '../../lib/data-api-endpoint/endpoint';
import { RedshiftDataApiWarehouse } from '../../lib/warehouse/redshift/redshift-warehouse';
import { openTestWarehouse, type TestWarehouse } from '../helpers/local-warehouse';

describe('the analytics through the Data API', () => {
  let db: TestWarehouse;
  let endpoint: DataApiEndpoint;
  let client: RedshiftDataClient;
  let redshift: RedshiftDataApiWarehouse;

  beforeAll(async () => {
    db = await openTestWarehouse();
    endpoint = await DataApiEndpoint.start({ warehouse: db.warehouse, databaseUsers: 'superuser' });
    client = new RedshiftDataClient({
      region: 'us-west-2',
      endpoint: endpoint.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
    redshift = new RedshiftDataApiWarehouse({ workgroupName: 'sparkify', database: 'dev', region: 'us-west-2', client });
  });

  afterAll(async () => {
    await redshift?.close();
    client?.destroy();
    await endpoint?.close();
    await db?.dispose();
  });

  test('say the warehouse is empty before the ETL, then answer every question as the local warehouse does', async () => {
    await expect(assertLoaded(redshift)).rejects.toThrow(EMPTY_WAREHOUSE);
    const summary = await runPipeline(redshift, { sources: DEFAULT_SOURCES });
    expect(summary.tables.user_agents).toBeGreaterThan(0);

    const remote = await answerQuestions(redshift, QUESTIONS);
    const local = await answerQuestions(db.warehouse, QUESTIONS);
    expect(remote.map((a) => ({ name: a.question.name, answer: a.answer, rows: a.rows }))).toEqual(
      local.map((a) => ({ name: a.question.name, answer: a.answer, rows: a.rows })),
    );
  });
});
