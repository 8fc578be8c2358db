/** The bundled real sample on the local warehouse, against the model. */
import { openTestWarehouse, SAMPLE_DIR } from '../helpers/local-warehouse';
import { describeDifferential } from './differential';

describe('the bundled sample on the local warehouse', () => {
  describeDifferential(() => SAMPLE_DIR, {
    open: (source) => openTestWarehouse({ 'udacity-dend': source }),
  });
});
