package io.cdckinesis.cloudformation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CfnYamlTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text.replace('\'', '"'));
  }

  @Test
  void shortFormTagsBecomeLongForm() throws Exception {
    JsonNode n =
        CfnYaml.parse(
            """
            a: !Ref Param
            b: !GetAtt Bucket.Arn
            c: !GetAtt Db.Endpoint.Address
            d: !Sub '${AWS::Region}-x'
            e: !Sub ['${A}', {A: !Ref B}]
            f: !If [Cond, 1, !Ref AWS::NoValue]
            g: !Equals [!Ref P, '']
            h: !Not [!Condition C]
            i: !Select [1, !Split ['/', !Ref Arn]]
            j: !Join ['', [a, b]]
            k: !FindInMap [M, K1, K2]
            l: !And [!Condition A, !Or [!Condition B, !Condition C]]
            m: !ImportValue Exported
            n: !Base64 text
            o: !Cidr [!Ref Block, 2, 8]
            p: !GetAZs ''
            """,
            "test");
    assertThat(n.get("a")).isEqualTo(json("{'Ref':'Param'}"));
    assertThat(n.get("b")).isEqualTo(json("{'Fn::GetAtt':['Bucket','Arn']}"));
    assertThat(n.get("c")).isEqualTo(json("{'Fn::GetAtt':['Db','Endpoint.Address']}"));
    assertThat(n.get("d")).isEqualTo(json("{'Fn::Sub':'${AWS::Region}-x'}"));
    assertThat(n.get("e")).isEqualTo(json("{'Fn::Sub':['${A}',{'A':{'Ref':'B'}}]}"));
    assertThat(n.get("f")).isEqualTo(json("{'Fn::If':['Cond',1,{'Ref':'AWS::NoValue'}]}"));
    assertThat(n.get("g")).isEqualTo(json("{'Fn::Equals':[{'Ref':'P'},'']}"));
    assertThat(n.get("h")).isEqualTo(json("{'Fn::Not':[{'Condition':'C'}]}"));
    assertThat(n.get("i")).isEqualTo(json("{'Fn::Select':[1,{'Fn::Split':['/',{'Ref':'Arn'}]}]}"));
    assertThat(n.get("j")).isEqualTo(json("{'Fn::Join':['',['a','b']]}"));
    assertThat(n.get("k")).isEqualTo(json("{'Fn::FindInMap':['M','K1','K2']}"));
    assertThat(n.get("l"))
        .isEqualTo(
            json(
                "{'Fn::And':[{'Condition':'A'},{'Fn::Or':[{'Condition':'B'},{'Condition':'C'}]}]}"));
    assertThat(n.get("m")).isEqualTo(json("{'Fn::ImportValue':'Exported'}"));
    assertThat(n.get("n")).isEqualTo(json("{'Fn::Base64':'text'}"));
    assertThat(n.get("o")).isEqualTo(json("{'Fn::Cidr':[{'Ref':'Block'},2,8]}"));
    assertThat(n.get("p")).isEqualTo(json("{'Fn::GetAZs':''}"));
  }

  @Test
  void plainValuesKeepTheirYamlTypes() {
    JsonNode n = CfnYaml.parse("a: 900\nb: true\nc: '900'\nd: text\ne: [1, x]\n", "test");
    assertThat(n.get("a").isInt()).isTrue();
    assertThat(n.get("b").isBoolean()).isTrue();
    assertThat(n.get("c").isTextual()).isTrue();
    assertThat(n.get("d").asText()).isEqualTo("text");
    assertThat(n.get("e")).hasSize(2);
  }

  @Test
  void duplicateKeysAreRejectedWithTheirLine() {
    assertThatThrownBy(() -> CfnYaml.parse("a: 1\nb: 2\na: 3\n", "dup.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dup.yaml line 3")
        .hasMessageContaining("duplicate key 'a'");
  }

  @Test
  void unknownTagsAreRejected() {
    assertThatThrownBy(() -> CfnYaml.parse("a: !Reff X\n", "tag.yaml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tag.yaml line 1")
        .hasMessageContaining("unknown tag !Reff");
  }

  @Test
  void getAttShortFormNeedsResourceAndAttribute() {
    assertThatThrownBy(() -> CfnYaml.parse("a: !GetAtt Bucket\n", "g.yaml"))
        .hasMessageContaining("!GetAtt needs Resource.Attribute");
  }

  @Test
  void theProjectTemplateParses() {
    CfnTemplate t = CfnTemplate.projectTemplate();
    assertThat(t.resources().size()).isGreaterThan(20);
    assertThat(t.root().path("AWSTemplateFormatVersion").asText()).isEqualTo("2010-09-09");
  }
}
