// Guards protocol/proto/Mumble.proto: field numbers, types and labels are the wire contract with
// stock Mumble. The expected signatures below are typed from MUMBLE_PROTOCOL.md §2, not
// generated from the .proto, so an edit that breaks compatibility fails here.
#include "Mumble.pb.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

// "n:type" per field in number order; '!' required, '*' repeated, '*p' packed, "=true" for a
// bool whose declared default is true (absent then means true, e.g. CodecVersion.prefer_alpha).
std::string signature(const Descriptor* descriptor) {
  std::vector<const FieldDescriptor*> fields;
  for (int i = 0; i < descriptor->field_count(); ++i) fields.push_back(descriptor->field(i));
  std::sort(fields.begin(), fields.end(),
            [](const auto* a, const auto* b) { return a->number() < b->number(); });
  std::string out;
  for (const FieldDescriptor* field : fields) {
    if (!out.empty()) out += ' ';
    out += std::to_string(field->number()) + ':';
    if (field->type() == FieldDescriptor::TYPE_MESSAGE) {
      out += field->message_type()->name();
    } else if (field->type() == FieldDescriptor::TYPE_ENUM) {
      out += field->enum_type()->name();
    } else {
      out += field->type_name();
    }
    if (field->is_required()) out += '!';
    if (field->is_repeated()) out += field->is_packed() ? "*p" : "*";
    if (field->type() == FieldDescriptor::TYPE_BOOL && field->has_default_value() &&
        field->default_value_bool()) {
      out += "=true";
    }
  }
  return out;
}

template <class M>
std::string signature_of() {
  return signature(M::descriptor());
}

}  // namespace

TEST_SUITE("protocol.mumble_proto") {
  TEST_CASE("control messages match MUMBLE_PROTOCOL.md §2 field for field") {
    using namespace MumbleProto;
    CHECK(signature_of<Version>() == "1:uint32 2:string 3:string 4:string 5:uint64");
    CHECK(signature_of<UDPTunnel>() == "1:bytes!");
    CHECK(signature_of<Authenticate>() == "1:string 2:string 3:string* 4:int32* 5:bool 6:int32");
    CHECK(signature_of<Ping>() ==
          "1:uint64 2:uint32 3:uint32 4:uint32 5:uint32 6:uint32 7:uint32 8:float 9:float "
          "10:float 11:float");
    CHECK(signature_of<Reject>() == "1:RejectType 2:string");
    // Plenum's extensions (numbers >= 1000, DESIGN.md §3) follow Mumble's fields.
    CHECK(signature_of<ServerSync>() == "1:uint32 2:uint32 3:string 4:uint64 1000:uint32");
    CHECK(signature_of<ChannelRemove>() == "1:uint32!");
    CHECK(signature_of<ChannelState>() ==
          "1:uint32 2:uint32 3:string 4:uint32* 5:string 6:uint32* 7:uint32* 8:bool 9:int32 "
          "10:bytes 11:uint32 12:bool 13:bool");
    CHECK(signature_of<UserRemove>() == "1:uint32! 2:uint32 3:string 4:bool 5:bool 6:bool");
    CHECK(signature_of<UserState>() ==
          "1:uint32 2:uint32 3:string 4:uint32 5:uint32 6:bool 7:bool 8:bool 9:bool 10:bool "
          "11:bytes 12:bytes 13:string 14:string 15:string 16:bytes 17:bytes 18:bool 19:bool "
          "20:string* 21:uint32* 22:uint32* 23:VolumeAdjustment* 1000:uint32*p 1001:bool");
    CHECK(signature_of<UserState::VolumeAdjustment>() == "1:uint32 2:float");
    CHECK(signature_of<BanList>() == "1:BanEntry* 2:bool");
    CHECK(signature_of<BanList::BanEntry>() ==
          "1:bytes! 2:uint32! 3:string 4:string 5:string 6:string 7:uint32");
    CHECK(signature_of<TextMessage>() == "1:uint32 2:uint32* 3:uint32* 4:uint32* 5:string!");
    CHECK(signature_of<PermissionDenied>() ==
          "1:uint32 2:uint32 3:uint32 4:string 5:DenyType 6:string");
    CHECK(signature_of<ACL>() == "1:uint32! 2:bool=true 3:ChanGroup* 4:ChanACL* 5:bool");
    CHECK(signature_of<ACL::ChanGroup>() ==
          "1:string! 2:bool=true 3:bool=true 4:bool=true 5:uint32* 6:uint32* 7:uint32*");
    CHECK(signature_of<ACL::ChanACL>() ==
          "1:bool=true 2:bool=true 3:bool=true 4:uint32 5:string 6:uint32 7:uint32");
    CHECK(signature_of<QueryUsers>() == "1:uint32* 2:string*");
    CHECK(signature_of<CryptSetup>() == "1:bytes 2:bytes 3:bytes");
    CHECK(signature_of<ContextActionModify>() == "1:string! 2:string 3:uint32 4:Operation");
    CHECK(signature_of<ContextAction>() == "1:uint32 2:uint32 3:string!");
    CHECK(signature_of<UserList>() == "1:User*");
    CHECK(signature_of<UserList::User>() == "1:uint32! 2:string 3:string 4:uint32");
    CHECK(signature_of<VoiceTarget>() == "1:uint32 2:Target*");
    CHECK(signature_of<VoiceTarget::Target>() == "1:uint32* 2:uint32 3:string 4:bool 5:bool");
    CHECK(signature_of<PermissionQuery>() == "1:uint32 2:uint32 3:bool");
    CHECK(signature_of<CodecVersion>() == "1:int32! 2:int32! 3:bool!=true 4:bool");
    CHECK(signature_of<UserStats>() ==
          "1:uint32 2:bool 3:bytes* 4:Stats 5:Stats 6:uint32 7:uint32 8:float 9:float 10:float "
          "11:float 12:Version 13:int32* 14:bytes 15:uint32 16:uint32 17:uint32 18:bool 19:bool "
          "20:RollingStats");
    CHECK(signature_of<UserStats::Stats>() == "1:uint32 2:uint32 3:uint32 4:uint32");
    CHECK(signature_of<UserStats::RollingStats>() == "1:uint32 2:Stats 3:Stats");
    CHECK(signature_of<RequestBlob>() == "1:uint32* 2:uint32* 3:uint32*");
    CHECK(signature_of<ServerConfig>() ==
          "1:uint32 2:string 3:bool 4:uint32 5:uint32 6:uint32 7:bool");
    CHECK(signature_of<SuggestConfig>() == "1:uint32 2:bool 3:bool 4:uint64");
    CHECK(signature_of<PluginDataTransmission>() == "1:uint32 2:uint32*p 3:bytes 4:string");
  }

  TEST_CASE("enum values match MUMBLE_PROTOCOL.md §2") {
    using namespace MumbleProto;
    CHECK(Reject::None == 0);
    CHECK(Reject::WrongVersion == 1);
    CHECK(Reject::InvalidUsername == 2);
    CHECK(Reject::WrongUserPW == 3);
    CHECK(Reject::WrongServerPW == 4);
    CHECK(Reject::UsernameInUse == 5);
    CHECK(Reject::ServerFull == 6);
    CHECK(Reject::NoCertificate == 7);
    CHECK(Reject::AuthenticatorFail == 8);
    CHECK(Reject::NoNewConnections == 9);
    CHECK(PermissionDenied::Text == 0);
    CHECK(PermissionDenied::Permission == 1);
    CHECK(PermissionDenied::SuperUser == 2);
    CHECK(PermissionDenied::ChannelName == 3);
    CHECK(PermissionDenied::TextTooLong == 4);
    CHECK(PermissionDenied::H9K == 5);
    CHECK(PermissionDenied::TemporaryChannel == 6);
    CHECK(PermissionDenied::MissingCertificate == 7);
    CHECK(PermissionDenied::UserName == 8);
    CHECK(PermissionDenied::ChannelFull == 9);
    CHECK(PermissionDenied::NestingLimit == 10);
    CHECK(PermissionDenied::ChannelCountLimit == 11);
    CHECK(PermissionDenied::ChannelListenerLimit == 12);
    CHECK(PermissionDenied::UserListenerLimit == 13);
    CHECK(ContextActionModify::Server == 0x1);
    CHECK(ContextActionModify::Channel == 0x2);
    CHECK(ContextActionModify::User == 0x4);
    CHECK(ContextActionModify::Add == 0);
    CHECK(ContextActionModify::Remove == 1);
  }
}
