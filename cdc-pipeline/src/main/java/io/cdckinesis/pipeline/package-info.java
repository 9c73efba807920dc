/**
 * The engines that the Lambda adapters, the {@code cdc} command line and the demo all drive: the
 * producer (DMS objects in S3 to a change sink, per table, under a lease, with load generations,
 * checkpoints and a sweep that reconciles state with a listing) and the consumer (decoding, fencing
 * by source position, dispatch to table handlers, dead letters). No Lambda types here.
 */
package io.cdckinesis.pipeline;
