package dev.bgtasks.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A JVM that writes {@code args[0]} lines of about 100 bytes to its log, for {@link BrokerLogRotationTest}. */
public final class LogSpammer {
    private LogSpammer() {
    }

    public static void main(String[] args) throws InterruptedException {
        Logger log = LoggerFactory.getLogger("dev.bgtasks.broker.Broker");
        int lines = Integer.parseInt(args[0]);
        for (int i = 0; i < lines; i++) {
            log.info("line {} {}", i, "x".repeat(60));
            if (i % 50 == 0) {
                Thread.sleep(2); // logback checks the size at most every few milliseconds
            }
        }
    }
}
