package dev.bgtasks.broker;

import dev.bgtasks.spi.RunToken;
import dev.bgtasks.spi.TaskEndRecords;
import dev.bgtasks.store.InstanceRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where an instance's end records are (SPEC B5). A cold-started task's supervisor and host write them beside the
 * instance's run log. A task that started on a standby host (W1) has its supervisor's exit record beside the
 * standby's log instead: the supervisor was told that path before anyone knew the instance, and the standby's run
 * token, which names that log, became the instance's at the take. So an exit record is looked for in both places.
 *
 * <pre>{@code
 * Optional<TaskEndRecords.Exit> exit = EndRecords.exit(config, row);
 * }</pre>
 */
final class EndRecords {
    private static final String STANDBY_PREFIX = "standby-";

    private EndRecords() {
    }

    /** {@return the log of the standby host whose run token is {@code token}} */
    static Path standbyLog(BrokerConfig config, String token) {
        return config.runLogDirectory().resolve(STANDBY_PREFIX + RunToken.hashHex(token, 8) + ".log");
    }

    /** The exit record of {@code row}: beside its run log, else beside the log of the standby it started on. */
    static Optional<TaskEndRecords.Exit> exit(BrokerConfig config, InstanceRow row) {
        Optional<TaskEndRecords.Exit> own = TaskEndRecords.readExit(
                TaskEndRecords.exitFile(config.instanceLog(row.instanceId())));
        if (own.isPresent() || row.runToken() == null) {
            return own;
        }
        return TaskEndRecords.readExit(TaskEndRecords.exitFile(standbyLog(config, row.runToken())));
    }

    /** The result record of {@code row}: the host writes it beside the instance's run log, standby or not. */
    static Optional<TaskEndRecords.Result> result(BrokerConfig config, InstanceRow row) {
        return TaskEndRecords.readResult(TaskEndRecords.resultFile(config.instanceLog(row.instanceId())));
    }

    /** Deletes both records of {@code row}, wherever they are; false when one is there and could not go. */
    static boolean deleteAll(BrokerConfig config, InstanceRow row) {
        boolean all = TaskEndRecords.deleteAll(config.instanceLog(row.instanceId()));
        if (row.runToken() != null) {
            try {
                Files.deleteIfExists(TaskEndRecords.exitFile(standbyLog(config, row.runToken())));
            } catch (IOException e) {
                all = false;
            }
        }
        return all;
    }
}
