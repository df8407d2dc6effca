package dev.bgtasks.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How big the broker log may grow (SPEC B7): {@code broker.log} rotates at {@code maxFileBytes}, and {@code files}
 * files are kept in all ({@code broker.log}, {@code broker.log.1}, ...). The rotation is logback's
 * ({@code RollingFileAppender} with a size trigger and a fixed window), configured by {@code bgtasks-broker-logback.xml}
 * (at the root of bgtasks-core) through system properties, so bgtasks itself never depends on logback: the broker uses it when
 * it is on the class path it was started from (the {@code bgtask} command has it), and else logs as before through
 * whatever SLF4J provider the app has.
 *
 * <pre>{@code
 * BrokerLog log = new BrokerLog(10L << 20, 3);
 * log.systemProperties(location.logFile()).forEach(System::setProperty);   // before the first logger
 * }</pre>
 *
 * @param maxFileBytes the size at which {@code broker.log} is rotated, at least 64 KiB
 * @param files how many files are kept, the current one included, from 1 to 20
 */
public record BrokerLog(long maxFileBytes, int files) {
    /** 10 MiB × 3. */
    public static final BrokerLog DEFAULT = new BrokerLog(10L * 1024 * 1024, 3);
    /** logback's SLF4J provider, chosen by name so that another provider on the class path does not win. */
    public static final String LOGBACK_PROVIDER = "ch.qos.logback.classic.spi.LogbackServiceProvider";
    /**
     * The system properties that give each line slf4j-simple writes a timestamp, for a broker log written through
     * it: set where a broker starts, never in a properties file every client call would read.
     */
    public static final Map<String, String> SIMPLE_TIMESTAMPS = Map.of(
            "org.slf4j.simpleLogger.showDateTime", "true",
            "org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    /** At the root of bgtasks-core: a resource in a package of a named module would be hidden from logback. */
    static final String CONFIGURATION = "bgtasks-broker-logback.xml";
    /** What the JVM writes outside the log (a crash report, a stray print), beside the log. */
    static final String STRAY_OUTPUT = "broker.out";
    private static final String LOGBACK_CLASS = LOGBACK_PROVIDER.replace('.', '/') + ".class";
    private static final int MAX_FILES = 20;

    public BrokerLog {
        if (maxFileBytes < 64 * 1024) {
            throw new IllegalArgumentException("the broker log must be allowed at least 64 KiB, not " + maxFileBytes);
        }
        if (files < 1 || files > MAX_FILES) {
            throw new IllegalArgumentException("the broker log keeps 1 to " + MAX_FILES + " files, not " + files);
        }
    }

    /** Whether logback is there to rotate the log. */
    public static boolean rotationAvailable(ClassLoader loader) {
        return loader.getResource(LOGBACK_CLASS) != null;
    }

    /** The system properties that make logback the provider and write {@code logFile} with this rotation. */
    public Map<String, String> systemProperties(Path logFile) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("slf4j.provider", LOGBACK_PROVIDER);
        // SLF4J announces a provider named this way on stderr, which is the broker log's own first line otherwise.
        properties.put("slf4j.internal.verbosity", "WARN");
        properties.put("logback.configurationFile", CONFIGURATION);
        properties.put("bgtasks.log.file", logFile.toAbsolutePath().toString());
        properties.put("bgtasks.log.maxFileBytes", Long.toString(maxFileBytes));
        // FixedWindowRollingPolicy needs a window of at least one archive; with files = 1 the log is cut to one.
        properties.put("bgtasks.log.archives", Integer.toString(Math.max(1, files - 1)));
        return properties;
    }

    /** {@link #systemProperties} as {@code -D} options of a JVM command line. */
    public List<String> jvmOptions(Path logFile) {
        List<String> options = new ArrayList<>();
        systemProperties(logFile).forEach((key, value) -> options.add("-D" + key + "=" + value));
        return options;
    }

    /** The file for what the broker's JVM prints outside its log. */
    static Path strayOutput(BrokerLocation location) {
        return location.logDirectory().resolve(STRAY_OUTPUT);
    }
}
