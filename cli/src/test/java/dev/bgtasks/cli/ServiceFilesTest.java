package dev.bgtasks.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** Issue 7, service wrappers: the generated plist and task XML match golden files and their schemas' rules. */
class ServiceFilesTest {
    private static final Path HOME = Path.of("/Users/ada");

    private static Document parse(byte[] bytes, boolean namespaces) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(namespaces);
        // Offline: the plist DTD is named, never fetched.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        builder.setErrorHandler(null);
        return builder.parse(new ByteArrayInputStream(bytes));
    }

    private static List<Element> children(Element parent) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) nodes.item(i));
            }
        }
        return out;
    }

    private static Element child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getLocalName() != null ? e.getLocalName().equals(name)
                : e.getTagName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(parent.getTagName() + " has no " + name));
    }

    /** A plist dict as key to value element, checking it alternates key, value as the DTD requires. */
    private static Map<String, Element> dict(Element dict) {
        List<Element> items = children(dict);
        assertThat(items.size() % 2).as("a dict holds key, value pairs").isZero();
        Map<String, Element> out = new LinkedHashMap<>();
        for (int i = 0; i < items.size(); i += 2) {
            assertThat(items.get(i).getTagName()).isEqualTo("key");
            assertThat(items.get(i + 1).getTagName()).isIn("string", "array", "dict", "true", "false", "integer");
            out.put(items.get(i).getTextContent(), items.get(i + 1));
        }
        return out;
    }

    @Test
    void launchdAgentMatchesTheGoldenFile() {
        ServiceLaunchdAgent agent = new ServiceLaunchdAgent(ServiceFixtures.host(HOME, true), ServiceFixtures.launch());
        assertThat(agent.content()).isEqualTo(ServiceFixtures.golden("dev.bgtasks.broker.plist"));
        assertThat(agent.file()).isEqualTo(Path.of("/Users/ada/Library/LaunchAgents/dev.bgtasks.broker.plist"));
    }

    @Test
    void launchdAgentIsAWellFormedPlistWithTheKeysLaunchdReads() throws Exception {
        ServiceLaunchdAgent agent = new ServiceLaunchdAgent(ServiceFixtures.host(HOME, true), ServiceFixtures.launch());
        Document plist = parse(agent.bytes(), false);
        assertThat(plist.getDoctype().getName()).isEqualTo("plist");
        assertThat(plist.getDoctype().getPublicId()).isEqualTo("-//Apple//DTD PLIST 1.0//EN");
        assertThat(plist.getDoctype().getSystemId()).isEqualTo("http://www.apple.com/DTDs/PropertyList-1.0.dtd");
        Element root = plist.getDocumentElement();
        assertThat(root.getTagName()).isEqualTo("plist");
        assertThat(root.getAttribute("version")).isEqualTo("1.0");
        Map<String, Element> keys = dict(child(root, "dict"));
        assertThat(keys).containsOnlyKeys("Label", "ProgramArguments", "EnvironmentVariables", "RunAtLoad",
                "KeepAlive", "AbandonProcessGroup", "ProcessType", "StandardOutPath", "StandardErrorPath");
        assertThat(keys.get("Label").getTextContent()).isEqualTo("dev.bgtasks.broker");
        // The escaped characters come back exactly: the arguments are the launch vector.
        assertThat(children(keys.get("ProgramArguments")).stream().map(Node::getTextContent))
                .containsExactlyElementsOf(ServiceFixtures.launch().command());
        assertThat(dict(keys.get("EnvironmentVariables")).get("BGTASKS_HOME").getTextContent())
                .isEqualTo("/Users/ada/bg tasks & <more> 100% $HOME");
        assertThat(keys.get("RunAtLoad").getTagName()).isEqualTo("true");
        assertThat(dict(keys.get("KeepAlive")).get("SuccessfulExit").getTagName()).isEqualTo("false");
        assertThat(keys.get("StandardErrorPath").getTextContent()).isEqualTo("/Users/ada/state/logs/broker.log");
    }

    @Test
    void launchdCommandsUseTheGuiDomainOfTheUser() {
        ServiceLaunchdAgent agent = new ServiceLaunchdAgent(ServiceFixtures.host(HOME, false), ServiceFixtures.launch());
        assertThat(agent.installSteps(false)).containsExactly(new ServiceStep.Write(agent.file()),
                ServiceStep.runMayFail("launchctl", "bootout", "gui/501/dev.bgtasks.broker"),
                ServiceStep.run("launchctl", "bootstrap", "gui/501", agent.file().toString()));
        assertThat(agent.uninstallSteps()).containsExactly(
                ServiceStep.runMayFail("launchctl", "bootout", "gui/501/dev.bgtasks.broker"),
                new ServiceStep.Delete(agent.file()));
        assertThat(agent.content()).doesNotContain("EnvironmentVariables");
    }

    @Test
    void windowsTaskMatchesTheGoldenFile() {
        ServiceWindowsTask task = new ServiceWindowsTask(ServiceFixtures.host(HOME, true), ServiceFixtures.launch());
        assertThat(task.content()).isEqualTo(ServiceFixtures.golden("bgtasks-broker.xml"));
        assertThat(task.file()).isEqualTo(Path.of("/Users/ada/state/bgtasks-broker.xml"));
    }

    @Test
    void windowsTaskIsUtf16LittleEndianWithAByteOrderMarkAsSchtasksNeeds() throws Exception {
        ServiceWindowsTask task = new ServiceWindowsTask(ServiceFixtures.host(HOME, true), ServiceFixtures.launch());
        byte[] bytes = task.bytes();
        assertThat(bytes[0]).isEqualTo((byte) 0xFF);
        assertThat(bytes[1]).isEqualTo((byte) 0xFE);
        assertThat(new String(bytes, StandardCharsets.UTF_16)).isEqualTo(task.content());
        assertThat(task.content()).startsWith("<?xml version=\"1.0\" encoding=\"UTF-16\"?>");
        // The parser reads the BOM and the declaration and agrees with them: the file is well-formed UTF-16.
        assertThat(parse(bytes, true).getXmlEncoding()).isEqualTo("UTF-16");
    }

    @Test
    void windowsTaskHasTheElementsTheTaskSchemaRequires() throws Exception {
        ServiceWindowsTask task = new ServiceWindowsTask(ServiceFixtures.host(HOME, true), ServiceFixtures.launch());
        Element root = parse(task.bytes(), true).getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(ServiceWindowsTask.NAMESPACE);
        assertThat(root.getLocalName()).isEqualTo("Task");
        assertThat(root.getAttribute("version")).isEqualTo("1.2");
        Element logon = child(child(root, "Triggers"), "LogonTrigger");
        Element principal = child(child(root, "Principals"), "Principal");
        assertThat(child(logon, "UserId").getTextContent()).isEqualTo("WORKGROUP\\ada");
        assertThat(child(principal, "UserId").getTextContent()).isEqualTo("WORKGROUP\\ada");
        assertThat(child(principal, "LogonType").getTextContent()).isEqualTo("InteractiveToken");
        Element settings = child(root, "Settings");
        assertThat(child(settings, "MultipleInstancesPolicy").getTextContent()).isEqualTo("IgnoreNew");
        assertThat(child(settings, "ExecutionTimeLimit").getTextContent()).isEqualTo("PT0S");
        Element restart = child(settings, "RestartOnFailure");
        assertThat(child(restart, "Interval").getTextContent()).isEqualTo("PT1M");
        assertThat(Integer.parseInt(child(restart, "Count").getTextContent())).isBetween(1, 999);
        assertThat(child(root, "Actions").getAttribute("Context")).isEqualTo(principal.getAttribute("id"));
        Element exec = child(child(root, "Actions"), "Exec");
        assertThat(child(exec, "Command").getTextContent()).isEqualTo("/opt/Java 17 \"LTS\"/bin/java");
        // BGTASKS_HOME travels as a property; the argument string splits back into the vector.
        assertThat(windowsSplit(child(exec, "Arguments").getTextContent())).containsExactly(
                "-Dbgtasks.home=/Users/ada/bg tasks & <more> 100% $HOME",
                "-jar", "/Applications/My App & Co/bgtask.jar", "daemon");
    }

    @Test
    void windowsArgumentQuotingFollowsTheCRuntimeRules() {
        assertThat(ServiceWindowsTask.quoteArgument("daemon")).isEqualTo("daemon");
        assertThat(ServiceWindowsTask.quoteArgument("")).isEqualTo("\"\"");
        assertThat(ServiceWindowsTask.quoteArgument("C:\\Program Files\\bgtask.jar"))
                .isEqualTo("\"C:\\Program Files\\bgtask.jar\"");
        assertThat(ServiceWindowsTask.quoteArgument("C:\\my dir\\")).isEqualTo("\"C:\\my dir\\\\\"");
        assertThat(ServiceWindowsTask.quoteArgument("say \"hi\"")).isEqualTo("\"say \\\"hi\\\"\"");
        assertThat(ServiceWindowsTask.quoteArgument("a\\\"b")).isEqualTo("\"a\\\\\\\"b\"");
        List<String> tricky = List.of("plain", "", "C:\\my dir\\", "a\\\"b", "tab\there", "x\\\\", "\"");
        assertThat(windowsSplit(ServiceWindowsTask.arguments(tricky))).containsExactlyElementsOf(tricky);
    }

    /** The Microsoft C runtime's argument splitting (post-2008 rules), to check the quoting round-trips. */
    static List<String> windowsSplit(String line) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < line.length()) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
                i++;
            }
            if (i >= line.length()) {
                break;
            }
            StringBuilder word = new StringBuilder();
            boolean quoted = false;
            while (i < line.length() && (quoted || (line.charAt(i) != ' ' && line.charAt(i) != '\t'))) {
                int backslashes = 0;
                while (i < line.length() && line.charAt(i) == '\\') {
                    backslashes++;
                    i++;
                }
                if (i < line.length() && line.charAt(i) == '"') {
                    word.append("\\".repeat(backslashes / 2));
                    if (backslashes % 2 == 1) {
                        word.append('"');
                    } else if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        word.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                    i++;
                } else {
                    word.append("\\".repeat(backslashes));
                    if (i < line.length() && (quoted || (line.charAt(i) != ' ' && line.charAt(i) != '\t'))) {
                        word.append(line.charAt(i));
                        i++;
                    }
                }
            }
            out.add(word.toString());
        }
        return out;
    }

    /** Issue 21: systemd 252 (Debian 12) has no DelegateSubgroup=, so the unit asks for user scopes. */
    @Test
    void systemdUnitMatchesTheGoldenFile() {
        ServiceSystemdUnit unit = new ServiceSystemdUnit(ServiceFixtures.host(HOME, true), ServiceFixtures.launch(),
                ServiceSystemdUnit.parseVersion("systemd 252 (252.22-1~deb12u1)\n+PAM +AUDIT"));
        assertThat(unit.content()).isEqualTo(ServiceFixtures.golden("bgtasks.service"));
        assertThat(unit.file()).isEqualTo(Path.of("/Users/ada/.config/systemd/user/bgtasks.service"));
    }

    /**
     * Issue 21: from systemd 254 the unit delegates its cgroup and starts the broker, a restarted one too, in the
     * leaf it would have moved itself into; before, or when the version is unknown, tasks go to user scopes and
     * the unit's cgroup is never delegated (systemd could not start a restarted broker in it: 219/CGROUP).
     */
    @Test
    void systemdUnitDelegatesASubgroupOnlyFromSystemd254() {
        ServiceHost host = ServiceFixtures.host(HOME, false);
        String newer = new ServiceSystemdUnit(host, ServiceFixtures.launch(), OptionalInt.of(254)).content();
        assertThat(newer).contains("\nDelegate=yes\nDelegateSubgroup=broker\nKillMode=process\n")
                .doesNotContain("BGTASKS_SANDBOX");
        for (OptionalInt older : List.of(OptionalInt.of(253), OptionalInt.of(249), OptionalInt.empty())) {
            String unit = new ServiceSystemdUnit(host, ServiceFixtures.launch(), older).content();
            assertThat(unit).as("systemd %s", older).contains("\nEnvironment=\"BGTASKS_SANDBOX=systemd-scope\"\n")
                    .contains("KillMode=process").doesNotContain("Delegate=");
        }
        assertThat(ServiceSystemdUnit.parseVersion("systemd 256 (256.7-1)")).hasValue(256);
        assertThat(ServiceSystemdUnit.parseVersion("Failed to connect to bus")).isEmpty();
        assertThat(ServiceSystemdUnit.parseVersion("")).isEmpty();
    }

    @Test
    void theSystemdVersionIsAskedOfSystemctlWhenItIsThere() {
        ServiceFixtures.ScriptedRunner runner = new ServiceFixtures.ScriptedRunner()
                .answer("systemctl --version", 0, "systemd 255 (255.4-1ubuntu8)\n+PAM");
        assertThat(ServiceSystemdUnit.systemdVersion(runner)).hasValue(255);
        assertThat(runner.ran).containsExactly(List.of("systemctl", "--version"));
        runner.toolsOnPath.clear();
        assertThat(ServiceSystemdUnit.systemdVersion(runner)).isEmpty();
        assertThat(ServiceSystemdUnit.systemdVersion(new ServiceFixtures.ScriptedRunner()
                .answer("systemctl --version", 1, "systemd 255"))).isEmpty();
    }

    @Test
    void systemdUnitHonoursXdgConfigHome() {
        ServiceHost host = ServiceFixtures.host(HOME, false);
        Map<String, String> environment = new LinkedHashMap<>(host.environment());
        environment.put("XDG_CONFIG_HOME", "/srv/conf");
        ServiceSystemdUnit unit = new ServiceSystemdUnit(
                new ServiceHost(HOME, environment, host.location(), 501), ServiceFixtures.launch());
        assertThat(unit.file()).isEqualTo(Path.of("/srv/conf/systemd/user/bgtasks.service"));
        assertThat(unit.content()).doesNotContain("BGTASKS_HOME");
    }

    @Test
    void systemdQuotingKeepsSpecifiersVariablesAndEscapesLiteral() {
        assertThat(ServiceSystemdUnit.quote("/opt/my java/bin/java", true)).isEqualTo("\"/opt/my java/bin/java\"");
        assertThat(ServiceSystemdUnit.quote("100%", true)).isEqualTo("\"100%%\"");
        assertThat(ServiceSystemdUnit.quote("$HOME", true)).isEqualTo("\"$$HOME\"");
        assertThat(ServiceSystemdUnit.quote("$HOME", false)).isEqualTo("\"$HOME\"");
        assertThat(ServiceSystemdUnit.quote("a\\b\"c", true)).isEqualTo("\"a\\\\b\\\"c\"");
        assertThat(ServiceSystemdUnit.quote("two\nlines", true)).isEqualTo("\"two\\nlines\"");
        assertThat(ServiceSystemdUnit.quote("bell\u0007", true)).isEqualTo("\"bell\\x07\"");
        assertThat(ServiceSystemdUnit.quote(";", true)).isEqualTo("\";\"");
        assertThat(ServiceSystemdUnit.execLine(List.of("/bin/java", "-jar", "a b.jar")))
                .isEqualTo("\"/bin/java\" \"-jar\" \"a b.jar\"");
    }

    @Test
    void launchUsesDashJarForTheRunnableJarAndAnAbsoluteClassPathOtherwise(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("my bgtask.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Bgtask.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            out.flush();
        }
        Path java = Path.of("/opt/jdk/bin/java");
        // The broker's JVM options come first, as BackgroundTasks.open() starts it (a small, quiet daemon).
        assertThat(ServiceLaunch.of(java, jar, "ignored").command())
                .containsExactly("/opt/jdk/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:-UsePerfData", "-Xms8m", "-Xmx96m", "-XX:CICompilerCount=1",
                        "-XX:CompileThresholdScaling=4",
                        "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-jar", jar.toString(), "daemon");

        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        ServiceLaunch fromTree = ServiceLaunch.of(java, classes, "classes" + File.pathSeparator + "/lib/x.jar");
        assertThat(fromTree.arguments()).containsExactly("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-XX:-UsePerfData", "-Xms8m", "-Xmx96m", "-XX:CICompilerCount=1",
                        "-XX:CompileThresholdScaling=4",
                        "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-cp",
                Path.of("classes").toAbsolutePath() + File.pathSeparator + "/lib/x.jar",
                "dev.bgtasks.cli.Bgtask", "daemon");
        assertThatThrownBy(() -> new ServiceLaunch(Path.of("java"), List.of("daemon")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute");
    }

    @Test
    void launchOfANamedModuleUsesDashMAndItsModulePathIfAny() {
        // The self-contained distribution links the modules into its runtime: its bin/java and -m are all it needs.
        Path java = Path.of("/opt/bgtask/runtime/bin/java");
        assertThat(ServiceLaunch.ofModule(java, "dev.bgtasks.cli", List.of()).command())
                .containsExactly("/opt/bgtask/runtime/bin/java", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                        "-XX:-UsePerfData", "-Xms8m", "-Xmx96m", "-XX:CICompilerCount=1",
                        "-XX:CompileThresholdScaling=4",
                        "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-m",
                        "dev.bgtasks.cli/dev.bgtasks.cli.Bgtask",
                        "daemon");
        assertThat(ServiceLaunch.ofModule(java, "dev.bgtasks.cli", List.of("/m/a.jar", "/m/b.jar")).arguments())
                .containsSequence("-p", "/m/a.jar" + File.pathSeparator + "/m/b.jar", "-m",
                        "dev.bgtasks.cli/dev.bgtasks.cli.Bgtask", "daemon");
    }

    @Test
    void launchOfThisProcessNamesThisRuntime() {
        ServiceLaunch launch = ServiceLaunch.ofThisProcess(ServiceOs.LINUX);
        assertThat(launch.java()).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java"));
        assertThat(Files.isExecutable(launch.java())).isTrue();
        assertThat(launch.arguments()).last().isEqualTo("daemon");
    }

    @Test
    void osIsChosenFromOsNameOrTheOption() {
        assertThat(ServiceOs.fromOsName("Linux")).isEqualTo(ServiceOs.LINUX);
        assertThat(ServiceOs.fromOsName("Mac OS X")).isEqualTo(ServiceOs.MACOS);
        assertThat(ServiceOs.fromOsName("Windows 11")).isEqualTo(ServiceOs.WINDOWS);
        assertThatThrownBy(() -> ServiceOs.fromOsName("FreeBSD")).hasMessageContaining("no service manager");
        assertThat(ServiceOs.parse("MacOS")).isEqualTo(ServiceOs.MACOS);
        assertThatThrownBy(() -> ServiceOs.parse("beos")).hasMessageContaining("valid: linux, macos, windows");
    }
}
