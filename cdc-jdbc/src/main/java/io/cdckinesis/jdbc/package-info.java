/**
 * Applying change records to relational tables over JDBC with an exactly-once effect: every row's
 * source position is stored in the same transaction as the row, so a redelivered change is
 * recognised and skipped however often a consumer crashes and restarts. See {@link
 * io.cdckinesis.jdbc.JdbcChangeApplier} and docs/jdbc.md.
 */
package io.cdckinesis.jdbc;
