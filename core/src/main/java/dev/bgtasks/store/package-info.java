/**
 * The broker's SQLite persistence: the versioned schema and its migrations, transactions that are durable before
 * they return (WAL, {@code synchronous=FULL}, SPEC B4), the exclusive database lock that keeps a second broker
 * out, and the rows the broker reads and writes.
 *
 * <p>May use: the JDK, sqlite-jdbc, Jackson (for stored definitions), the SPI and the public value types by name.
 * Never the broker: it stores what the broker decided.
 */
package dev.bgtasks.store;
