/** Every star table's full contents in a stable order, keys included, to compare one load with another. */
import type { Warehouse } from '../../lib/warehouse/warehouse';

export async function starSnapshot(warehouse: Warehouse) {
  return {
    songplays: await warehouse.query('SELECT * FROM songplays ORDER BY songplay_id'),
    users: await warehouse.query('SELECT * FROM users ORDER BY user_id'),
    songs: await warehouse.query('SELECT * FROM songs ORDER BY song_id'),
    artists: await warehouse.query('SELECT * FROM artists ORDER BY artist_id'),
    time: await warehouse.query('SELECT * FROM time ORDER BY start_time'),
    user_agents: await warehouse.query('SELECT * FROM user_agents ORDER BY user_agent'),
    // What the daily loads keep beside them (loaded_at aside: it is when, not what).
    user_day_states: await warehouse.query('SELECT * FROM user_day_states ORDER BY user_id, day'),
    loaded_days: await warehouse.query('SELECT day, events, songplays FROM loaded_days ORDER BY day'),
  };
}

/** A deterministic shuffle (a small linear congruential generator), so a failure can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
