-- A running run says it is alive, on the warehouse's clock. No row changes when the run no longer holds the
-- warehouse (another run closed it as killed): the run then stops.
UPDATE etl_runs SET heartbeat_at = GETDATE() WHERE run_id = :run_id AND status = 'running';
