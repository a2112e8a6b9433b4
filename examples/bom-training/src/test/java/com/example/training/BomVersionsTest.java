package com.example.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * The BOM has no parent, so it repeats the versions of the stack: each must equal the property of the
 * same name in the root pom, which builds and tests the modules.
 */
class BomVersionsTest {
    private static final List<String> STACK = List.of("djl.version", "pytorch.native.version", "pytorch.jni.version",
            "onnxruntime.version", "langchain4j.models.version");

    @Test
    void theBomPinsTheVersionsTheProjectIsBuiltAndTestedWith() throws Exception {
        Path checkout = Path.of(System.getProperty("retrievals.checkout", "../.."));
        Properties root = properties(checkout.resolve("pom.xml"));
        Properties bom = properties(checkout.resolve("retrievals-bom/pom.xml"));
        for (String name : STACK) {
            assertThat(root.getProperty(name)).as("root pom property %s", name).isNotBlank();
            assertThat(bom.getProperty(name)).as("retrievals-bom property %s", name).isEqualTo(root.getProperty(name));
        }
    }

    private static Properties properties(Path pom) throws Exception {
        Element project = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        Properties values = new Properties();
        NodeList blocks = project.getElementsByTagName("properties");
        for (int b = 0; b < blocks.getLength(); b++) {
            if (blocks.item(b).getParentNode() != project) {
                continue;
            }
            NodeList children = blocks.item(b).getChildNodes();
            for (int i = 0; i < children.getLength(); i++) {
                Node child = children.item(i);
                if (child.getNodeType() == Node.ELEMENT_NODE) {
                    values.setProperty(child.getNodeName(), child.getTextContent().trim());
                }
            }
        }
        return values;
    }
}
