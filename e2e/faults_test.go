package e2e

// The fault suite of issue 15: real processes (mlctl worker and serve),
// real PostgreSQL and Temporal, and a fault injected while they work.
//
//   - Temporal server restarted mid-train: TestTemporalRestartMidTrain
//     (faults_temporal_test.go): the workflow completes, one model
//     version, the same SHA-256 as an uninterrupted run.
//   - Temporal server killed mid-rollout: TestTemporalRestartMidRollout
//     (faults_temporal_test.go): the rollout completes, the alias points
//     at one model with one history row for the change, every scorer
//     serves it.
//   - Worker SIGKILLed mid-retrain: TestRetrainSurvivesKilledWorker
//     (retrain_drift_test.go): one new model version, one new dataset
//     version, one decision. Mid-train, without a retrain around it:
//     TestWorkerKilledMidTrainingResumes (train_test.go) and the
//     killAndResume tests of the other learners.
//   - Slow clients: TestSlowClients (faults_http_test.go): a trickled body
//     is cut off by --http-read-timeout, idle keep-alive connections by
//     --http-idle-timeout, and scoring stays prompt while 50 slow clients
//     (trickled headers, idle keep-alive) hold connections, and beside 20
//     trickled bodies (they hold bytes of the body budget, not slots).
//     Clients that do not read their answers do hold --max-in-flight
//     slots, until the write timeout: the test checks that others are
//     answered (503) rather than left hanging, and that scoring comes back.
//   - A 1M-name request storm: TestRequestStormRSS (faults_storm_test.go):
//     oversized requests are refused with 413, requests at the limit are
//     scored, and the scorer's peak RSS stays under the README's bound.
//   - PostgreSQL stopped and restarted under scorer load (no alert lost):
//     TestNoAlertLostAcrossPostgresOutage (faults_postgres_test.go), on
//     registrytest.StartPrivateServer, a PostgreSQL a test may stop and
//     start. Disk full for the alerts file:
//     TestAlertsFileDiskFullScoringContinues (faults_disk_test.go).
