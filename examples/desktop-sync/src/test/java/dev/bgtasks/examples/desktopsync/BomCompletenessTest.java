package dev.bgtasks.examples.desktopsync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Issue 7, "Library hygiene": {@code bgtasks-bom} lists every published module of the build, at the build's
 * version. It reads the checkout's poms: a new module fails this test until it is either added to the BOM or named
 * below as not published. It lives here because this example is the build's own consumer of the published
 * artifacts, and a pom-packaged BOM runs no tests.
 */
class BomCompletenessTest {
    /** Modules that are built but not published, each with the reason. */
    private static final Map<String, String> NOT_PUBLISHED = Map.of(
            "bgtasks-bom", "the BOM itself",
            "bgtasks-native-tests", "real-host tests of this build",
            "bgtasks-bench", "benchmarks of this build",
            "bgtasks-example-desktop-sync", "an example app, run from the checkout",
            "bgtasks-example-packaged-seed", "an example app, packaged with jpackage from the checkout");

    @Test
    void everyPublishedModuleIsInTheBomAtTheBuildsVersion() throws Exception {
        Path root = buildRoot();
        Document parent = parse(root.resolve("pom.xml"));
        String version = text(parent.getDocumentElement(), "version");
        Map<String, Path> modules = new LinkedHashMap<>();
        for (Element module : children(child(parent.getDocumentElement(), "modules"), "module")) {
            Path pom = root.resolve(module.getTextContent().trim()).resolve("pom.xml");
            modules.put(text(parse(pom).getDocumentElement(), "artifactId"), pom);
        }
        assertThat(modules.keySet()).as("modules of %s", root.resolve("pom.xml"))
                .containsAll(NOT_PUBLISHED.keySet());

        Element bom = parse(modules.get("bgtasks-bom")).getDocumentElement();
        // Its own coordinates, not inherited: see the comment in bgtasks-bom/pom.xml.
        assertThat(child(bom, "parent")).as("bgtasks-bom must not inherit bgtasks-parent's dependencyManagement")
                .isNull();
        assertThat(text(bom, "groupId")).isEqualTo("dev.bgtasks");
        assertThat(text(bom, "version")).as("bgtasks-bom version vs bgtasks-parent").isEqualTo(version);
        assertThat(text(bom, "packaging")).isEqualTo("pom");

        Set<String> listed = new TreeSet<>();
        Element managed = child(child(bom, "dependencyManagement"), "dependencies");
        for (Element dependency : children(managed, "dependency")) {
            String artifactId = text(dependency, "artifactId");
            assertThat(text(dependency, "groupId")).as("groupId of %s", artifactId).isEqualTo("dev.bgtasks");
            assertThat(text(dependency, "version")).as("version of %s", artifactId).isEqualTo("${project.version}");
            assertThat(listed.add(artifactId)).as("%s listed twice", artifactId).isTrue();
        }

        Set<String> published = new TreeSet<>(modules.keySet());
        published.removeAll(NOT_PUBLISHED.keySet());
        assertThat(listed).as("the BOM's artifacts vs the build's published modules (add a new module to "
                + "bgtasks-bom/pom.xml, or to NOT_PUBLISHED here with the reason)").isEqualTo(published);
        assertThat(published).as("what issue 7 names as published")
                .contains("bgtasks-core", "bgtasks-backend-linux", "bgtasks-backend-windows",
                        "bgtasks-backend-macos", "bgtasks-junit", "bgtasks-cli");
    }

    /** The directory of bgtasks-parent's pom, above the module the test runs in. */
    private static Path buildRoot() throws Exception {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path pom = dir.resolve("pom.xml");
            if (Files.exists(pom) && "bgtasks-parent".equals(text(parse(pom).getDocumentElement(), "artifactId"))) {
                return dir;
            }
        }
        throw new AssertionError("no bgtasks-parent pom.xml above " + Path.of("").toAbsolutePath());
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        if (parent == null) {
            return found;
        }
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }
}
