"""Protobuf wire schema of the built-in kinds whose request bodies kapi decodes.

Data, not code: one entry per message, taken from the struct tags of upstream's
`k8s.io/api/<group>/<version>/types.go` (core, apps, autoscaling v1 and v2, coordination,
policy, batch, rbac, networking, scheduling, authentication, authorization) and
`k8s.io/apimachinery/pkg/apis/meta/v1/types.go` (the source `generated.proto` is made from),
with the core/v1 fields added since 1.30 taken from the current `generated.proto`. Fields a
sender includes that are not listed here are skipped, as upstream's unmarshallers do.
`kapi.machinery.protobuf` parses it on first use.

Grammar: `@group` starts a section whose message names are local to it. A message is
`Name = field; field; ...`, continued on indented lines. A field is `number jsonName type`:

- type: `s` string, `y` bytes (base64 in JSON), `i` varint integer, `b` bool, `d` double,
  or a message (`Name` in this section, `group.Name` elsewhere); `[T]` is repeated T,
  `{T}` is map<string, T>.
- jsonName `^` marks an embedded struct inlined into its parent in JSON.
- suffix `*`: Go pointer; present on the wire means present in JSON, even when zero.
- suffix `!`: JSON keeps it when empty (scalar without `omitempty`, or non-pointer struct).
- suffix `~`: pointer or slice without `omitempty`: JSON null when absent.
- no suffix: scalar with `omitempty` (zero is omitted); pointer to a struct.

Builtins handled in code: meta.Time, meta.MicroTime, meta.Duration, meta.FieldsV1,
res.Quantity, intstr.IntOrString, rt.RawExtension, and x.Strings (a message wrapping a
repeated string, such as UserInfo's ExtraValue, which JSON shows as a plain list).
"""

from __future__ import annotations

MESSAGES = """
@core
Volume = 1 name s!; 2 ^ VolumeSource
VolumeSource = 1 hostPath HostPathVolumeSource; 2 emptyDir EmptyDirVolumeSource;
   3 gcePersistentDisk GCEPersistentDiskVolumeSource;
   4 awsElasticBlockStore AWSElasticBlockStoreVolumeSource; 5 gitRepo GitRepoVolumeSource;
   6 secret SecretVolumeSource; 7 nfs NFSVolumeSource; 8 iscsi ISCSIVolumeSource;
   9 glusterfs GlusterfsVolumeSource;
   10 persistentVolumeClaim PersistentVolumeClaimVolumeSource; 11 rbd RBDVolumeSource;
   12 flexVolume FlexVolumeSource; 13 cinder CinderVolumeSource; 14 cephfs CephFSVolumeSource;
   15 flocker FlockerVolumeSource; 16 downwardAPI DownwardAPIVolumeSource; 17 fc FCVolumeSource;
   18 azureFile AzureFileVolumeSource; 19 configMap ConfigMapVolumeSource;
   20 vsphereVolume VsphereVirtualDiskVolumeSource; 21 quobyte QuobyteVolumeSource;
   22 azureDisk AzureDiskVolumeSource; 23 photonPersistentDisk PhotonPersistentDiskVolumeSource;
   26 projected ProjectedVolumeSource; 24 portworxVolume PortworxVolumeSource;
   25 scaleIO ScaleIOVolumeSource; 27 storageos StorageOSVolumeSource; 28 csi CSIVolumeSource;
   29 ephemeral EphemeralVolumeSource; 30 image ImageVolumeSource
PersistentVolumeClaimVolumeSource = 1 claimName s!; 2 readOnly b
PersistentVolumeSource = 1 gcePersistentDisk GCEPersistentDiskVolumeSource;
   2 awsElasticBlockStore AWSElasticBlockStoreVolumeSource; 3 hostPath HostPathVolumeSource;
   4 glusterfs GlusterfsPersistentVolumeSource; 5 nfs NFSVolumeSource;
   6 rbd RBDPersistentVolumeSource; 7 iscsi ISCSIPersistentVolumeSource;
   8 cinder CinderPersistentVolumeSource; 9 cephfs CephFSPersistentVolumeSource;
   10 fc FCVolumeSource; 11 flocker FlockerVolumeSource;
   12 flexVolume FlexPersistentVolumeSource; 13 azureFile AzureFilePersistentVolumeSource;
   14 vsphereVolume VsphereVirtualDiskVolumeSource; 15 quobyte QuobyteVolumeSource;
   16 azureDisk AzureDiskVolumeSource; 17 photonPersistentDisk PhotonPersistentDiskVolumeSource;
   18 portworxVolume PortworxVolumeSource; 19 scaleIO ScaleIOPersistentVolumeSource;
   20 local LocalVolumeSource; 21 storageos StorageOSPersistentVolumeSource;
   22 csi CSIPersistentVolumeSource
PersistentVolume = 1 metadata meta.ObjectMeta!; 2 spec PersistentVolumeSpec!;
   3 status PersistentVolumeStatus!
PersistentVolumeSpec = 1 capacity {res.Quantity}; 2 ^ PersistentVolumeSource; 3 accessModes [s];
   4 claimRef ObjectReference; 5 persistentVolumeReclaimPolicy s; 6 storageClassName s;
   7 mountOptions [s]; 8 volumeMode s*; 9 nodeAffinity VolumeNodeAffinity;
   10 volumeAttributesClassName s*
VolumeNodeAffinity = 1 required NodeSelector
PersistentVolumeStatus = 1 phase s; 2 message s; 3 reason s;
   4 lastPhaseTransitionTime meta.Time
PersistentVolumeClaim = 1 metadata meta.ObjectMeta!; 2 spec PersistentVolumeClaimSpec!;
   3 status PersistentVolumeClaimStatus!
PersistentVolumeClaimSpec = 1 accessModes [s]; 4 selector meta.LabelSelector;
   2 resources VolumeResourceRequirements!; 3 volumeName s; 5 storageClassName s*;
   6 volumeMode s*; 7 dataSource TypedLocalObjectReference;
   8 dataSourceRef TypedObjectReference; 9 volumeAttributesClassName s*
TypedObjectReference = 1 apiGroup s~; 2 kind s!; 3 name s!; 4 namespace s*
ModifyVolumeStatus = 1 targetVolumeAttributesClassName s; 2 status s!
PersistentVolumeClaimCondition = 1 type s!; 2 status s!; 3 lastProbeTime meta.Time!;
   4 lastTransitionTime meta.Time!; 5 reason s; 6 message s
PersistentVolumeClaimStatus = 1 phase s; 2 accessModes [s]; 3 capacity {res.Quantity};
   4 conditions [PersistentVolumeClaimCondition]; 5 allocatedResources {res.Quantity};
   7 allocatedResourceStatuses {s}; 8 currentVolumeAttributesClassName s*;
   9 modifyVolumeStatus ModifyVolumeStatus
HostPathVolumeSource = 1 path s!; 2 type s*
EmptyDirVolumeSource = 1 medium s; 2 sizeLimit res.Quantity
GlusterfsVolumeSource = 1 endpoints s!; 2 path s!; 3 readOnly b
GlusterfsPersistentVolumeSource = 1 endpoints s!; 2 path s!; 3 readOnly b;
   4 endpointsNamespace s*
RBDVolumeSource = 1 monitors [s]~; 2 image s!; 3 fsType s; 4 pool s; 5 user s; 6 keyring s;
   7 secretRef LocalObjectReference; 8 readOnly b
RBDPersistentVolumeSource = 1 monitors [s]~; 2 image s!; 3 fsType s; 4 pool s; 5 user s;
   6 keyring s; 7 secretRef SecretReference; 8 readOnly b
CinderVolumeSource = 1 volumeID s!; 2 fsType s; 3 readOnly b; 4 secretRef LocalObjectReference
CinderPersistentVolumeSource = 1 volumeID s!; 2 fsType s; 3 readOnly b;
   4 secretRef SecretReference
CephFSVolumeSource = 1 monitors [s]~; 2 path s; 3 user s; 4 secretFile s;
   5 secretRef LocalObjectReference; 6 readOnly b
SecretReference = 1 name s; 2 namespace s
CephFSPersistentVolumeSource = 1 monitors [s]~; 2 path s; 3 user s; 4 secretFile s;
   5 secretRef SecretReference; 6 readOnly b
FlockerVolumeSource = 1 datasetName s; 2 datasetUUID s
GCEPersistentDiskVolumeSource = 1 pdName s!; 2 fsType s; 3 partition i; 4 readOnly b
QuobyteVolumeSource = 1 registry s!; 2 volume s!; 3 readOnly b; 4 user s; 5 group s; 6 tenant s
FlexPersistentVolumeSource = 1 driver s!; 2 fsType s; 3 secretRef SecretReference; 4 readOnly b;
   5 options {s}
FlexVolumeSource = 1 driver s!; 2 fsType s; 3 secretRef LocalObjectReference; 4 readOnly b;
   5 options {s}
AWSElasticBlockStoreVolumeSource = 1 volumeID s!; 2 fsType s; 3 partition i; 4 readOnly b
GitRepoVolumeSource = 1 repository s!; 2 revision s; 3 directory s
SecretVolumeSource = 1 secretName s; 2 items [KeyToPath]; 3 defaultMode i*; 4 optional b*
SecretProjection = 1 ^ LocalObjectReference; 2 items [KeyToPath]; 4 optional b*
NFSVolumeSource = 1 server s!; 2 path s!; 3 readOnly b
ISCSIVolumeSource = 1 targetPortal s!; 2 iqn s!; 3 lun i!; 4 iscsiInterface s; 5 fsType s;
   6 readOnly b; 7 portals [s]; 8 chapAuthDiscovery b; 11 chapAuthSession b;
   10 secretRef LocalObjectReference; 12 initiatorName s*
ISCSIPersistentVolumeSource = 1 targetPortal s!; 2 iqn s!; 3 lun i!; 4 iscsiInterface s;
   5 fsType s; 6 readOnly b; 7 portals [s]; 8 chapAuthDiscovery b; 11 chapAuthSession b;
   10 secretRef SecretReference; 12 initiatorName s*
FCVolumeSource = 1 targetWWNs [s]; 2 lun i*; 3 fsType s; 4 readOnly b; 5 wwids [s]
AzureFileVolumeSource = 1 secretName s!; 2 shareName s!; 3 readOnly b
AzureFilePersistentVolumeSource = 1 secretName s!; 2 shareName s!; 3 readOnly b;
   4 secretNamespace s~
VsphereVirtualDiskVolumeSource = 1 volumePath s!; 2 fsType s; 3 storagePolicyName s;
   4 storagePolicyID s
PhotonPersistentDiskVolumeSource = 1 pdID s!; 2 fsType s
AzureDiskVolumeSource = 1 diskName s!; 2 diskURI s!; 3 cachingMode s*; 4 fsType s*;
   5 readOnly b*; 6 kind s*
PortworxVolumeSource = 1 volumeID s!; 2 fsType s; 3 readOnly b
ScaleIOVolumeSource = 1 gateway s!; 2 system s!; 3 secretRef LocalObjectReference~;
   4 sslEnabled b; 5 protectionDomain s; 6 storagePool s; 7 storageMode s; 8 volumeName s;
   9 fsType s; 10 readOnly b
ScaleIOPersistentVolumeSource = 1 gateway s!; 2 system s!; 3 secretRef SecretReference~;
   4 sslEnabled b; 5 protectionDomain s; 6 storagePool s; 7 storageMode s; 8 volumeName s;
   9 fsType s; 10 readOnly b
StorageOSVolumeSource = 1 volumeName s; 2 volumeNamespace s; 3 fsType s; 4 readOnly b;
   5 secretRef LocalObjectReference
StorageOSPersistentVolumeSource = 1 volumeName s; 2 volumeNamespace s; 3 fsType s; 4 readOnly b;
   5 secretRef ObjectReference
ConfigMapVolumeSource = 1 ^ LocalObjectReference; 2 items [KeyToPath]; 3 defaultMode i*;
   4 optional b*
ConfigMapProjection = 1 ^ LocalObjectReference; 2 items [KeyToPath]; 4 optional b*
ServiceAccountTokenProjection = 1 audience s; 2 expirationSeconds i*; 3 path s!
ClusterTrustBundleProjection = 1 name s*; 2 signerName s*; 3 labelSelector meta.LabelSelector;
   5 optional b*; 4 path s!
ProjectedVolumeSource = 1 sources [VolumeProjection]~; 2 defaultMode i*
VolumeProjection = 1 secret SecretProjection; 2 downwardAPI DownwardAPIProjection;
   3 configMap ConfigMapProjection; 4 serviceAccountToken ServiceAccountTokenProjection;
   5 clusterTrustBundle ClusterTrustBundleProjection
KeyToPath = 1 key s!; 2 path s!; 3 mode i*
LocalVolumeSource = 1 path s!; 2 fsType s*
CSIPersistentVolumeSource = 1 driver s!; 2 volumeHandle s!; 3 readOnly b; 4 fsType s;
   5 volumeAttributes {s}; 6 controllerPublishSecretRef SecretReference;
   7 nodeStageSecretRef SecretReference; 8 nodePublishSecretRef SecretReference;
   9 controllerExpandSecretRef SecretReference; 10 nodeExpandSecretRef SecretReference
CSIVolumeSource = 1 driver s!; 2 readOnly b*; 3 fsType s*; 4 volumeAttributes {s};
   5 nodePublishSecretRef LocalObjectReference
EphemeralVolumeSource = 1 volumeClaimTemplate PersistentVolumeClaimTemplate
PersistentVolumeClaimTemplate = 1 metadata meta.ObjectMeta!; 2 spec PersistentVolumeClaimSpec!
ContainerPort = 1 name s; 2 hostPort i; 3 containerPort i!; 4 protocol s; 5 hostIP s
VolumeMount = 1 name s!; 2 readOnly b; 3 mountPath s!; 4 subPath s; 5 mountPropagation s*;
   6 subPathExpr s; 7 recursiveReadOnly s*
VolumeDevice = 1 name s!; 2 devicePath s!
EnvVar = 1 name s!; 2 value s; 3 valueFrom EnvVarSource
EnvVarSource = 1 fieldRef ObjectFieldSelector; 2 resourceFieldRef ResourceFieldSelector;
   3 configMapKeyRef ConfigMapKeySelector; 4 secretKeyRef SecretKeySelector
ObjectFieldSelector = 1 apiVersion s; 2 fieldPath s!
ResourceFieldSelector = 1 containerName s; 2 resource s!; 3 divisor res.Quantity!
ConfigMapKeySelector = 1 ^ LocalObjectReference; 2 key s!; 3 optional b*
SecretKeySelector = 1 ^ LocalObjectReference; 2 key s!; 3 optional b*
EnvFromSource = 1 prefix s; 2 configMapRef ConfigMapEnvSource; 3 secretRef SecretEnvSource
ConfigMapEnvSource = 1 ^ LocalObjectReference; 2 optional b*
SecretEnvSource = 1 ^ LocalObjectReference; 2 optional b*
HTTPHeader = 1 name s!; 2 value s!
HTTPGetAction = 1 path s; 2 port intstr.IntOrString!; 3 host s; 4 scheme s;
   5 httpHeaders [HTTPHeader]
TCPSocketAction = 1 port intstr.IntOrString!; 2 host s
GRPCAction = 1 port i!; 2 service s~
ExecAction = 1 command [s]
SleepAction = 1 seconds i!
Probe = 1 ^ ProbeHandler; 2 initialDelaySeconds i; 3 timeoutSeconds i; 4 periodSeconds i;
   5 successThreshold i; 6 failureThreshold i; 7 terminationGracePeriodSeconds i*
ContainerResizePolicy = 1 resourceName s!; 2 restartPolicy s!
Capabilities = 1 add [s]; 2 drop [s]
ResourceRequirements = 1 limits {res.Quantity}; 2 requests {res.Quantity};
   3 claims [ResourceClaim]
VolumeResourceRequirements = 1 limits {res.Quantity}; 2 requests {res.Quantity}
ResourceClaim = 1 name s!
Container = 1 name s!; 2 image s; 3 command [s]; 4 args [s]; 5 workingDir s;
   6 ports [ContainerPort]; 19 envFrom [EnvFromSource]; 7 env [EnvVar];
   8 resources ResourceRequirements!; 23 resizePolicy [ContainerResizePolicy];
   24 restartPolicy s*; 9 volumeMounts [VolumeMount]; 21 volumeDevices [VolumeDevice];
   10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe;
   12 lifecycle Lifecycle; 13 terminationMessagePath s; 20 terminationMessagePolicy s;
   14 imagePullPolicy s; 15 securityContext SecurityContext; 16 stdin b; 17 stdinOnce b;
   18 tty b; 25 restartPolicyRules [ContainerRestartRule]
ProbeHandler = 1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction;
   4 grpc GRPCAction
LifecycleHandler = 1 exec ExecAction; 2 httpGet HTTPGetAction; 3 tcpSocket TCPSocketAction;
   4 sleep SleepAction
Lifecycle = 1 postStart LifecycleHandler; 2 preStop LifecycleHandler; 3 stopSignal s*
ContainerStateWaiting = 1 reason s; 2 message s
ContainerStateRunning = 1 startedAt meta.Time!
ContainerStateTerminated = 1 exitCode i!; 2 signal i; 3 reason s; 4 message s;
   5 startedAt meta.Time!; 6 finishedAt meta.Time!; 7 containerID s
ContainerState = 1 waiting ContainerStateWaiting; 2 running ContainerStateRunning;
   3 terminated ContainerStateTerminated
ContainerStatus = 1 name s!; 2 state ContainerState!; 3 lastState ContainerState!; 4 ready b!;
   5 restartCount i!; 6 image s!; 7 imageID s!; 8 containerID s; 9 started b*;
   10 allocatedResources {res.Quantity}; 11 resources ResourceRequirements;
   12 volumeMounts [VolumeMountStatus]; 13 user ContainerUser;
   14 allocatedResourcesStatus [ResourceStatus]; 15 stopSignal s*
PodCondition = 1 type s!; 2 status s!; 3 lastProbeTime meta.Time!;
   4 lastTransitionTime meta.Time!; 5 reason s; 6 message s
NodeSelector = 1 nodeSelectorTerms [NodeSelectorTerm]~
NodeSelectorTerm = 1 matchExpressions [NodeSelectorRequirement];
   2 matchFields [NodeSelectorRequirement]
NodeSelectorRequirement = 1 key s!; 2 operator s!; 3 values [s]
TopologySelectorTerm = 1 matchLabelExpressions [TopologySelectorLabelRequirement]
TopologySelectorLabelRequirement = 1 key s!; 2 values [s]~
Affinity = 1 nodeAffinity NodeAffinity; 2 podAffinity PodAffinity;
   3 podAntiAffinity PodAntiAffinity
PodAffinity = 1 requiredDuringSchedulingIgnoredDuringExecution [PodAffinityTerm];
   2 preferredDuringSchedulingIgnoredDuringExecution [WeightedPodAffinityTerm]
PodAntiAffinity = 1 requiredDuringSchedulingIgnoredDuringExecution [PodAffinityTerm];
   2 preferredDuringSchedulingIgnoredDuringExecution [WeightedPodAffinityTerm]
WeightedPodAffinityTerm = 1 weight i!; 2 podAffinityTerm PodAffinityTerm!
PodAffinityTerm = 1 labelSelector meta.LabelSelector; 2 namespaces [s]; 3 topologyKey s!;
   4 namespaceSelector meta.LabelSelector; 5 matchLabelKeys [s]; 6 mismatchLabelKeys [s]
NodeAffinity = 1 requiredDuringSchedulingIgnoredDuringExecution NodeSelector;
   2 preferredDuringSchedulingIgnoredDuringExecution [PreferredSchedulingTerm]
PreferredSchedulingTerm = 1 weight i!; 2 preference NodeSelectorTerm!
Taint = 1 key s!; 2 value s; 3 effect s!; 4 timeAdded meta.Time
Toleration = 1 key s; 2 operator s; 3 value s; 4 effect s; 5 tolerationSeconds i*
PodReadinessGate = 1 conditionType s!
PodSpec = 1 volumes [Volume]; 20 initContainers [Container]; 2 containers [Container]~;
   34 ephemeralContainers [EphemeralContainer]; 3 restartPolicy s;
   4 terminationGracePeriodSeconds i*; 5 activeDeadlineSeconds i*; 6 dnsPolicy s;
   7 nodeSelector {s}; 8 serviceAccountName s; 9 serviceAccount s;
   21 automountServiceAccountToken b*; 10 nodeName s; 11 hostNetwork b; 12 hostPID b;
   13 hostIPC b; 27 shareProcessNamespace b*; 14 securityContext PodSecurityContext;
   15 imagePullSecrets [LocalObjectReference]; 16 hostname s; 17 subdomain s;
   18 affinity Affinity; 19 schedulerName s; 22 tolerations [Toleration];
   23 hostAliases [HostAlias]; 24 priorityClassName s; 25 priority i*;
   26 dnsConfig PodDNSConfig; 28 readinessGates [PodReadinessGate]; 29 runtimeClassName s*;
   30 enableServiceLinks b*; 31 preemptionPolicy s*; 32 overhead {res.Quantity};
   33 topologySpreadConstraints [TopologySpreadConstraint]; 35 setHostnameAsFQDN b*;
   36 os PodOS; 37 hostUsers b*; 38 schedulingGates [PodSchedulingGate];
   39 resourceClaims [PodResourceClaim]; 40 resources ResourceRequirements;
   41 hostnameOverride s*
PodResourceClaim = 1 name s!; 2 source ClaimSource; 3 resourceClaimName s*;
   4 resourceClaimTemplateName s*
ClaimSource = 1 resourceClaimName s*; 2 resourceClaimTemplateName s*
PodResourceClaimStatus = 1 name s!; 2 resourceClaimName s*
PodOS = 1 name s!
PodSchedulingGate = 1 name s!
TopologySpreadConstraint = 1 maxSkew i!; 2 topologyKey s!; 3 whenUnsatisfiable s!;
   4 labelSelector meta.LabelSelector; 5 minDomains i*; 6 nodeAffinityPolicy s*;
   7 nodeTaintsPolicy s*; 8 matchLabelKeys [s]
HostAlias = 1 ip s; 2 hostnames [s]
PodSecurityContext = 1 seLinuxOptions SELinuxOptions;
   8 windowsOptions WindowsSecurityContextOptions; 2 runAsUser i*; 6 runAsGroup i*;
   3 runAsNonRoot b*; 4 supplementalGroups [i]; 5 fsGroup i*; 7 sysctls [Sysctl];
   9 fsGroupChangePolicy s*; 10 seccompProfile SeccompProfile;
   11 appArmorProfile AppArmorProfile; 12 supplementalGroupsPolicy s*;
   13 seLinuxChangePolicy s*
SeccompProfile = 1 type s!; 2 localhostProfile s*
PodDNSConfig = 1 nameservers [s]; 2 searches [s]; 3 options [PodDNSConfigOption]
PodDNSConfigOption = 1 name s; 2 value s*
PodIP = 1 ip s
HostIP = 1 ip s
EphemeralContainerCommon = 1 name s!; 2 image s; 3 command [s]; 4 args [s]; 5 workingDir s;
   6 ports [ContainerPort]; 19 envFrom [EnvFromSource]; 7 env [EnvVar];
   8 resources ResourceRequirements!; 23 resizePolicy [ContainerResizePolicy];
   24 restartPolicy s*; 9 volumeMounts [VolumeMount]; 21 volumeDevices [VolumeDevice];
   10 livenessProbe Probe; 11 readinessProbe Probe; 22 startupProbe Probe;
   12 lifecycle Lifecycle; 13 terminationMessagePath s; 20 terminationMessagePolicy s;
   14 imagePullPolicy s; 15 securityContext SecurityContext; 16 stdin b; 17 stdinOnce b;
   18 tty b; 25 restartPolicyRules [ContainerRestartRule]
EphemeralContainer = 1 ^ EphemeralContainerCommon; 2 targetContainerName s
PodStatus = 1 phase s; 2 conditions [PodCondition]; 3 message s; 4 reason s;
   11 nominatedNodeName s; 5 hostIP s; 16 hostIPs [HostIP]; 6 podIP s; 12 podIPs [PodIP];
   7 startTime meta.Time; 10 initContainerStatuses [ContainerStatus];
   8 containerStatuses [ContainerStatus]; 9 qosClass s;
   13 ephemeralContainerStatuses [ContainerStatus]; 14 resize s;
   15 resourceClaimStatuses [PodResourceClaimStatus]; 17 observedGeneration i;
   19 allocatedResources {res.Quantity}; 20 resources ResourceRequirements
Pod = 1 metadata meta.ObjectMeta!; 2 spec PodSpec!; 3 status PodStatus!
PodTemplateSpec = 1 metadata meta.ObjectMeta!; 2 spec PodSpec!
PodTemplate = 1 metadata meta.ObjectMeta!; 2 template PodTemplateSpec!
ReplicationControllerSpec = 1 replicas i*; 4 minReadySeconds i; 2 selector {s};
   3 template PodTemplateSpec
ReplicationControllerStatus = 1 replicas i!; 2 fullyLabeledReplicas i; 4 readyReplicas i;
   5 availableReplicas i; 3 observedGeneration i; 6 conditions [ReplicationControllerCondition]
ReplicationControllerCondition = 1 type s!; 2 status s!; 3 lastTransitionTime meta.Time!;
   4 reason s; 5 message s
ReplicationController = 1 metadata meta.ObjectMeta!; 2 spec ReplicationControllerSpec!;
   3 status ReplicationControllerStatus!
SessionAffinityConfig = 1 clientIP ClientIPConfig
ClientIPConfig = 1 timeoutSeconds i*
ServiceStatus = 1 loadBalancer LoadBalancerStatus!; 2 conditions [meta.Condition]
LoadBalancerStatus = 1 ingress [LoadBalancerIngress]
LoadBalancerIngress = 1 ip s; 2 hostname s; 3 ipMode s*; 4 ports [PortStatus]
ServiceSpec = 1 ports [ServicePort]; 2 selector {s}; 3 clusterIP s; 18 clusterIPs [s]; 4 type s;
   5 externalIPs [s]; 7 sessionAffinity s; 8 loadBalancerIP s; 9 loadBalancerSourceRanges [s];
   10 externalName s; 11 externalTrafficPolicy s; 12 healthCheckNodePort i;
   13 publishNotReadyAddresses b; 14 sessionAffinityConfig SessionAffinityConfig;
   19 ipFamilies [s]; 17 ipFamilyPolicy s*; 20 allocateLoadBalancerNodePorts b*;
   21 loadBalancerClass s*; 22 internalTrafficPolicy s*; 23 trafficDistribution s*
ServicePort = 1 name s; 2 protocol s; 6 appProtocol s*; 3 port i!;
   4 targetPort intstr.IntOrString!; 5 nodePort i
Service = 1 metadata meta.ObjectMeta!; 2 spec ServiceSpec!; 3 status ServiceStatus!
ServiceAccount = 1 metadata meta.ObjectMeta!; 2 secrets [ObjectReference];
   3 imagePullSecrets [LocalObjectReference]; 4 automountServiceAccountToken b*
Endpoints = 1 metadata meta.ObjectMeta!; 2 subsets [EndpointSubset]
EndpointSubset = 1 addresses [EndpointAddress]; 2 notReadyAddresses [EndpointAddress];
   3 ports [EndpointPort]
EndpointAddress = 1 ip s!; 3 hostname s; 4 nodeName s*; 2 targetRef ObjectReference
EndpointPort = 1 name s; 2 port i!; 3 protocol s; 4 appProtocol s*
NodeSpec = 1 podCIDR s; 7 podCIDRs [s]; 3 providerID s; 4 unschedulable b; 5 taints [Taint];
   6 configSource NodeConfigSource; 2 externalID s
NodeConfigSource = 2 configMap ConfigMapNodeConfigSource
ConfigMapNodeConfigSource = 1 namespace s!; 2 name s!; 3 uid s; 4 resourceVersion s;
   5 kubeletConfigKey s!
DaemonEndpoint = 1 Port i!
NodeDaemonEndpoints = 1 kubeletEndpoint DaemonEndpoint!
NodeSystemInfo = 1 machineID s!; 2 systemUUID s!; 3 bootID s!; 4 kernelVersion s!; 5 osImage s!;
   6 containerRuntimeVersion s!; 7 kubeletVersion s!; 8 kubeProxyVersion s!;
   9 operatingSystem s!; 10 architecture s!
NodeConfigStatus = 1 assigned NodeConfigSource; 2 active NodeConfigSource;
   3 lastKnownGood NodeConfigSource; 4 error s
NodeStatus = 1 capacity {res.Quantity}; 2 allocatable {res.Quantity}; 3 phase s;
   4 conditions [NodeCondition]; 5 addresses [NodeAddress];
   6 daemonEndpoints NodeDaemonEndpoints!; 7 nodeInfo NodeSystemInfo!;
   8 images [ContainerImage]; 9 volumesInUse [s]; 10 volumesAttached [AttachedVolume];
   11 config NodeConfigStatus
AttachedVolume = 1 name s!; 2 devicePath s!
AvoidPods = 1 preferAvoidPods [PreferAvoidPodsEntry]
PreferAvoidPodsEntry = 1 podSignature PodSignature!; 2 evictionTime meta.Time!; 3 reason s;
   4 message s
PodSignature = 1 podController meta.OwnerReference
ContainerImage = 1 names [s]~; 2 sizeBytes i
NodeCondition = 1 type s!; 2 status s!; 3 lastHeartbeatTime meta.Time!;
   4 lastTransitionTime meta.Time!; 5 reason s; 6 message s
NodeAddress = 1 type s!; 2 address s!
NamespaceSpec = 1 finalizers [s]
NamespaceStatus = 1 phase s; 2 conditions [NamespaceCondition]
NamespaceCondition = 1 type s!; 2 status s!; 4 lastTransitionTime meta.Time!; 5 reason s;
   6 message s
Namespace = 1 metadata meta.ObjectMeta!; 2 spec NamespaceSpec!; 3 status NamespaceStatus!
Binding = 1 metadata meta.ObjectMeta!; 2 target ObjectReference!
Node = 1 metadata meta.ObjectMeta!; 2 spec NodeSpec!; 3 status NodeStatus!
ObjectReference = 1 kind s; 2 namespace s; 3 name s; 4 uid s; 5 apiVersion s;
   6 resourceVersion s; 7 fieldPath s
LocalObjectReference = 1 name s
TypedLocalObjectReference = 1 apiGroup s~; 2 kind s!; 3 name s!
EventSource = 1 component s; 2 host s
Event = 1 metadata meta.ObjectMeta!; 2 involvedObject ObjectReference!; 3 reason s; 4 message s;
   5 source EventSource!; 6 firstTimestamp meta.Time!; 7 lastTimestamp meta.Time!; 8 count i;
   9 type s; 10 eventTime meta.MicroTime!; 11 series EventSeries; 12 action s;
   13 related ObjectReference; 14 reportingComponent s!; 15 reportingInstance s!
EventSeries = 1 count i; 2 lastObservedTime meta.MicroTime!
LimitRangeItem = 1 type s!; 2 max {res.Quantity}; 3 min {res.Quantity};
   4 default {res.Quantity}; 5 defaultRequest {res.Quantity};
   6 maxLimitRequestRatio {res.Quantity}
LimitRangeSpec = 1 limits [LimitRangeItem]~
LimitRange = 1 metadata meta.ObjectMeta!; 2 spec LimitRangeSpec!
ResourceQuotaSpec = 1 hard {res.Quantity}; 2 scopes [s]; 3 scopeSelector ScopeSelector
ScopeSelector = 1 matchExpressions [ScopedResourceSelectorRequirement]
ScopedResourceSelectorRequirement = 1 scopeName s!; 2 operator s!; 3 values [s]
ResourceQuotaStatus = 1 hard {res.Quantity}; 2 used {res.Quantity}
ResourceQuota = 1 metadata meta.ObjectMeta!; 2 spec ResourceQuotaSpec!;
   3 status ResourceQuotaStatus!
Secret = 1 metadata meta.ObjectMeta!; 5 immutable b*; 2 data {y}; 4 stringData {s}; 3 type s
ConfigMap = 1 metadata meta.ObjectMeta!; 4 immutable b*; 2 data {s}; 3 binaryData {y}
DownwardAPIVolumeSource = 1 items [DownwardAPIVolumeFile]; 2 defaultMode i*
DownwardAPIVolumeFile = 1 path s!; 2 fieldRef ObjectFieldSelector;
   3 resourceFieldRef ResourceFieldSelector; 4 mode i*
DownwardAPIProjection = 1 items [DownwardAPIVolumeFile]
SecurityContext = 1 capabilities Capabilities; 2 privileged b*; 3 seLinuxOptions SELinuxOptions;
   10 windowsOptions WindowsSecurityContextOptions; 4 runAsUser i*; 8 runAsGroup i*;
   5 runAsNonRoot b*; 6 readOnlyRootFilesystem b*; 7 allowPrivilegeEscalation b*;
   9 procMount s*; 11 seccompProfile SeccompProfile; 12 appArmorProfile AppArmorProfile
SELinuxOptions = 1 user s; 2 role s; 3 type s; 4 level s
WindowsSecurityContextOptions = 1 gmsaCredentialSpecName s*; 2 gmsaCredentialSpec s*;
   3 runAsUserName s*; 4 hostProcess b*
Sysctl = 1 name s!; 2 value s!
PortStatus = 1 port i!; 2 protocol s!; 3 error s*
ImageVolumeSource = 1 reference s; 2 pullPolicy s
AppArmorProfile = 1 type s!; 2 localhostProfile s*
ContainerRestartRule = 1 action s!; 2 exitCodes ContainerRestartRuleOnExitCodes
ContainerRestartRuleOnExitCodes = 1 operator s!; 2 values [i]
VolumeMountStatus = 1 name s!; 2 mountPath s!; 3 readOnly b; 4 recursiveReadOnly s*
ContainerUser = 1 linux LinuxContainerUser
LinuxContainerUser = 1 uid i!; 2 gid i!; 3 supplementalGroups [i]
ResourceStatus = 1 name s!; 2 resources [ResourceHealth]
ResourceHealth = 1 resourceID s!; 2 health s
@apps
StatefulSet = 1 metadata meta.ObjectMeta!; 2 spec StatefulSetSpec!; 3 status StatefulSetStatus!
StatefulSetUpdateStrategy = 1 type s; 2 rollingUpdate RollingUpdateStatefulSetStrategy
RollingUpdateStatefulSetStrategy = 1 partition i*; 2 maxUnavailable intstr.IntOrString
StatefulSetPersistentVolumeClaimRetentionPolicy = 1 whenDeleted s; 2 whenScaled s
StatefulSetOrdinals = 1 start i!
StatefulSetSpec = 1 replicas i*; 2 selector meta.LabelSelector~;
   3 template core.PodTemplateSpec!; 4 volumeClaimTemplates [core.PersistentVolumeClaim];
   5 serviceName s!; 6 podManagementPolicy s; 7 updateStrategy StatefulSetUpdateStrategy!;
   8 revisionHistoryLimit i*; 9 minReadySeconds i;
   10 persistentVolumeClaimRetentionPolicy StatefulSetPersistentVolumeClaimRetentionPolicy;
   11 ordinals StatefulSetOrdinals
StatefulSetStatus = 1 observedGeneration i; 2 replicas i!; 3 readyReplicas i;
   4 currentReplicas i; 5 updatedReplicas i; 6 currentRevision s; 7 updateRevision s;
   9 collisionCount i*; 10 conditions [StatefulSetCondition]; 11 availableReplicas i!
StatefulSetCondition = 1 type s!; 2 status s!; 3 lastTransitionTime meta.Time!; 4 reason s;
   5 message s
Deployment = 1 metadata meta.ObjectMeta!; 2 spec DeploymentSpec!; 3 status DeploymentStatus!
DeploymentSpec = 1 replicas i*; 2 selector meta.LabelSelector~;
   3 template core.PodTemplateSpec!; 4 strategy DeploymentStrategy!; 5 minReadySeconds i;
   6 revisionHistoryLimit i*; 7 paused b; 9 progressDeadlineSeconds i*;
   10 podReplacementPolicy s*
DeploymentStrategy = 1 type s; 2 rollingUpdate RollingUpdateDeployment
RollingUpdateDeployment = 1 maxUnavailable intstr.IntOrString; 2 maxSurge intstr.IntOrString
DeploymentStatus = 1 observedGeneration i; 2 replicas i; 3 updatedReplicas i; 7 readyReplicas i;
   4 availableReplicas i; 5 unavailableReplicas i; 9 terminatingReplicas i*;
   6 conditions [DeploymentCondition]; 8 collisionCount i*
DeploymentCondition = 1 type s!; 2 status s!; 6 lastUpdateTime meta.Time!;
   7 lastTransitionTime meta.Time!; 4 reason s; 5 message s
DaemonSetUpdateStrategy = 1 type s; 2 rollingUpdate RollingUpdateDaemonSet
RollingUpdateDaemonSet = 1 maxUnavailable intstr.IntOrString; 2 maxSurge intstr.IntOrString
DaemonSetSpec = 1 selector meta.LabelSelector~; 2 template core.PodTemplateSpec!;
   3 updateStrategy DaemonSetUpdateStrategy!; 4 minReadySeconds i; 6 revisionHistoryLimit i*
DaemonSetStatus = 1 currentNumberScheduled i!; 2 numberMisscheduled i!;
   3 desiredNumberScheduled i!; 4 numberReady i!; 5 observedGeneration i;
   6 updatedNumberScheduled i; 7 numberAvailable i; 8 numberUnavailable i; 9 collisionCount i*;
   10 conditions [DaemonSetCondition]
DaemonSetCondition = 1 type s!; 2 status s!; 3 lastTransitionTime meta.Time!; 4 reason s;
   5 message s
DaemonSet = 1 metadata meta.ObjectMeta!; 2 spec DaemonSetSpec!; 3 status DaemonSetStatus!
ReplicaSet = 1 metadata meta.ObjectMeta!; 2 spec ReplicaSetSpec!; 3 status ReplicaSetStatus!
ReplicaSetSpec = 1 replicas i*; 4 minReadySeconds i; 2 selector meta.LabelSelector~;
   3 template core.PodTemplateSpec!
ReplicaSetStatus = 1 replicas i!; 2 fullyLabeledReplicas i; 4 readyReplicas i;
   5 availableReplicas i; 7 terminatingReplicas i*; 3 observedGeneration i;
   6 conditions [ReplicaSetCondition]
ReplicaSetCondition = 1 type s!; 2 status s!; 3 lastTransitionTime meta.Time!; 4 reason s;
   5 message s
ControllerRevision = 1 metadata meta.ObjectMeta!; 2 data rt.RawExtension!; 3 revision i!
@meta
ObjectMeta = 1 name s; 2 generateName s; 3 namespace s; 4 selfLink s; 5 uid s;
   6 resourceVersion s; 7 generation i; 8 creationTimestamp Time!; 9 deletionTimestamp Time;
   10 deletionGracePeriodSeconds i*; 11 labels {s}; 12 annotations {s};
   13 ownerReferences [OwnerReference]; 14 finalizers [s];
   17 managedFields [ManagedFieldsEntry]
OwnerReference = 5 apiVersion s!; 1 kind s!; 3 name s!; 4 uid s!; 6 controller b*;
   7 blockOwnerDeletion b*
ListMeta = 1 selfLink s; 2 resourceVersion s; 3 continue s; 4 remainingItemCount i*
DeleteOptions = 1 gracePeriodSeconds i*; 2 preconditions Preconditions; 3 orphanDependents b*;
   4 propagationPolicy s*; 5 dryRun [s]; 6 ignoreStoreReadErrorWithClusterBreakingPotential b*
CreateOptions = 1 dryRun [s]; 3 fieldManager s; 4 fieldValidation s
PatchOptions = 1 dryRun [s]; 2 force b*; 3 fieldManager s; 4 fieldValidation s
UpdateOptions = 1 dryRun [s]; 2 fieldManager s; 3 fieldValidation s
Preconditions = 1 uid s*; 2 resourceVersion s*
Status = 1 metadata ListMeta!; 2 status s; 3 message s; 4 reason s; 5 details StatusDetails;
   6 code i
StatusDetails = 1 name s; 2 group s; 3 kind s; 6 uid s; 4 causes [StatusCause];
   5 retryAfterSeconds i
StatusCause = 1 reason s; 2 message s; 3 field s
LabelSelector = 1 matchLabels {s}; 2 matchExpressions [LabelSelectorRequirement]
LabelSelectorRequirement = 1 key s!; 2 operator s!; 3 values [s]
ManagedFieldsEntry = 1 manager s; 2 operation s; 3 apiVersion s; 4 time Time; 6 fieldsType s;
   7 fieldsV1 FieldsV1; 8 subresource s
FieldSelectorRequirement = 1 key s!; 2 operator s!; 3 values [s]
Condition = 1 type s!; 2 status s!; 3 observedGeneration i; 4 lastTransitionTime Time!;
   5 reason s!; 6 message s!
@autoscaling
Scale = 1 metadata meta.ObjectMeta!; 2 spec ScaleSpec!; 3 status ScaleStatus!
ScaleSpec = 1 replicas i
ScaleStatus = 1 replicas i!; 2 selector s
HorizontalPodAutoscaler = 1 metadata meta.ObjectMeta!; 2 spec HorizontalPodAutoscalerSpec!;
   3 status HorizontalPodAutoscalerStatus!
HorizontalPodAutoscalerSpec = 1 scaleTargetRef CrossVersionObjectReference!; 2 minReplicas i*;
   3 maxReplicas i!; 4 targetCPUUtilizationPercentage i*
CrossVersionObjectReference = 1 kind s!; 2 name s!; 3 apiVersion s
HorizontalPodAutoscalerStatus = 1 observedGeneration i*; 2 lastScaleTime meta.Time;
   3 currentReplicas i!; 4 desiredReplicas i!; 5 currentCPUUtilizationPercentage i*
@autoscaling2
HorizontalPodAutoscaler = 1 metadata meta.ObjectMeta!; 2 spec HorizontalPodAutoscalerSpec!;
   3 status HorizontalPodAutoscalerStatus!
HorizontalPodAutoscalerSpec = 1 scaleTargetRef CrossVersionObjectReference!; 2 minReplicas i*;
   3 maxReplicas i!; 4 metrics [MetricSpec]; 5 behavior HorizontalPodAutoscalerBehavior
CrossVersionObjectReference = 1 kind s!; 2 name s!; 3 apiVersion s
MetricSpec = 1 type s!; 2 object ObjectMetricSource; 3 pods PodsMetricSource;
   4 resource ResourceMetricSource; 7 containerResource ContainerResourceMetricSource;
   5 external ExternalMetricSource
HorizontalPodAutoscalerBehavior = 1 scaleUp HPAScalingRules; 2 scaleDown HPAScalingRules
HPAScalingRules = 3 stabilizationWindowSeconds i*; 1 selectPolicy s*;
   2 policies [HPAScalingPolicy]; 4 tolerance res.Quantity
HPAScalingPolicy = 1 type s!; 2 value i!; 3 periodSeconds i!
ObjectMetricSource = 1 describedObject CrossVersionObjectReference!; 2 target MetricTarget!;
   3 metric MetricIdentifier!
PodsMetricSource = 1 metric MetricIdentifier!; 2 target MetricTarget!
ResourceMetricSource = 1 name s!; 2 target MetricTarget!
ContainerResourceMetricSource = 1 name s!; 2 target MetricTarget!; 3 container s!
ExternalMetricSource = 1 metric MetricIdentifier!; 2 target MetricTarget!
MetricIdentifier = 1 name s!; 2 selector meta.LabelSelector
MetricTarget = 1 type s!; 2 value res.Quantity; 3 averageValue res.Quantity;
   4 averageUtilization i*
HorizontalPodAutoscalerStatus = 1 observedGeneration i*; 2 lastScaleTime meta.Time;
   3 currentReplicas i; 4 desiredReplicas i!; 5 currentMetrics [MetricStatus]~;
   6 conditions [HorizontalPodAutoscalerCondition]
HorizontalPodAutoscalerCondition = 1 type s!; 2 status s!; 3 lastTransitionTime meta.Time!;
   4 reason s; 5 message s
MetricStatus = 1 type s!; 2 object ObjectMetricStatus; 3 pods PodsMetricStatus;
   4 resource ResourceMetricStatus; 7 containerResource ContainerResourceMetricStatus;
   5 external ExternalMetricStatus
ObjectMetricStatus = 1 metric MetricIdentifier!; 2 current MetricValueStatus!;
   3 describedObject CrossVersionObjectReference!
PodsMetricStatus = 1 metric MetricIdentifier!; 2 current MetricValueStatus!
ResourceMetricStatus = 1 name s!; 2 current MetricValueStatus!
ContainerResourceMetricStatus = 1 name s!; 2 current MetricValueStatus!; 3 container s!
ExternalMetricStatus = 1 metric MetricIdentifier!; 2 current MetricValueStatus!
MetricValueStatus = 1 value res.Quantity; 2 averageValue res.Quantity; 3 averageUtilization i*
@coordination
Lease = 1 metadata meta.ObjectMeta!; 2 spec LeaseSpec!
LeaseSpec = 1 holderIdentity s*; 2 leaseDurationSeconds i*; 3 acquireTime meta.MicroTime;
   4 renewTime meta.MicroTime; 5 leaseTransitions i*; 6 strategy s*; 7 preferredHolder s*
@policy
Eviction = 1 metadata meta.ObjectMeta!; 2 deleteOptions meta.DeleteOptions
PodDisruptionBudget = 1 metadata meta.ObjectMeta!; 2 spec PodDisruptionBudgetSpec!;
   3 status PodDisruptionBudgetStatus!
PodDisruptionBudgetSpec = 1 minAvailable intstr.IntOrString; 2 selector meta.LabelSelector;
   3 maxUnavailable intstr.IntOrString; 4 unhealthyPodEvictionPolicy s*
PodDisruptionBudgetStatus = 1 observedGeneration i; 2 disruptedPods {meta.Time};
   3 disruptionsAllowed i!; 4 currentHealthy i!; 5 desiredHealthy i!; 6 expectedPods i!;
   7 conditions [meta.Condition]
@batch
Job = 1 metadata meta.ObjectMeta!; 2 spec JobSpec!; 3 status JobStatus!
PodFailurePolicyOnExitCodesRequirement = 1 containerName s~; 2 operator s!; 3 values [i]~
PodFailurePolicyOnPodConditionsPattern = 1 type s!; 2 status s!
PodFailurePolicyRule = 1 action s!; 2 onExitCodes PodFailurePolicyOnExitCodesRequirement~;
   3 onPodConditions [PodFailurePolicyOnPodConditionsPattern]~
PodFailurePolicy = 1 rules [PodFailurePolicyRule]~
SuccessPolicy = 1 rules [SuccessPolicyRule]
SuccessPolicyRule = 1 succeededIndexes s*; 2 succeededCount i*
JobSpec = 1 parallelism i*; 2 completions i*; 3 activeDeadlineSeconds i*;
   11 podFailurePolicy PodFailurePolicy; 16 successPolicy SuccessPolicy; 7 backoffLimit i*;
   12 backoffLimitPerIndex i*; 13 maxFailedIndexes i*; 4 selector meta.LabelSelector;
   5 manualSelector b*; 6 template core.PodTemplateSpec!; 8 ttlSecondsAfterFinished i*;
   9 completionMode s*; 10 suspend b*; 14 podReplacementPolicy s*; 15 managedBy s*
JobStatus = 1 conditions [JobCondition]; 2 startTime meta.Time; 3 completionTime meta.Time;
   4 active i; 5 succeeded i; 6 failed i; 11 terminating i*; 7 completedIndexes s;
   10 failedIndexes s*; 8 uncountedTerminatedPods UncountedTerminatedPods; 9 ready i*
UncountedTerminatedPods = 1 succeeded [s]; 2 failed [s]
JobCondition = 1 type s!; 2 status s!; 3 lastProbeTime meta.Time!;
   4 lastTransitionTime meta.Time!; 5 reason s; 6 message s
JobTemplateSpec = 1 metadata meta.ObjectMeta!; 2 spec JobSpec!
CronJob = 1 metadata meta.ObjectMeta!; 2 spec CronJobSpec!; 3 status CronJobStatus!
CronJobSpec = 1 schedule s!; 8 timeZone s*; 2 startingDeadlineSeconds i*; 3 concurrencyPolicy s;
   4 suspend b*; 5 jobTemplate JobTemplateSpec!; 6 successfulJobsHistoryLimit i*;
   7 failedJobsHistoryLimit i*
CronJobStatus = 1 active [core.ObjectReference]; 4 lastScheduleTime meta.Time;
   5 lastSuccessfulTime meta.Time
@rbac
PolicyRule = 1 verbs [s]~; 2 apiGroups [s]; 3 resources [s]; 4 resourceNames [s];
   5 nonResourceURLs [s]
Subject = 1 kind s!; 2 apiGroup s; 3 name s!; 4 namespace s
RoleRef = 1 apiGroup s!; 2 kind s!; 3 name s!
Role = 1 metadata meta.ObjectMeta!; 2 rules [PolicyRule]~
RoleBinding = 1 metadata meta.ObjectMeta!; 2 subjects [Subject]; 3 roleRef RoleRef!
ClusterRole = 1 metadata meta.ObjectMeta!; 2 rules [PolicyRule]~;
   3 aggregationRule AggregationRule
AggregationRule = 1 clusterRoleSelectors [meta.LabelSelector]
ClusterRoleBinding = 1 metadata meta.ObjectMeta!; 2 subjects [Subject]; 3 roleRef RoleRef!
@networking
Ingress = 1 metadata meta.ObjectMeta!; 2 spec IngressSpec!; 3 status IngressStatus!
IngressSpec = 4 ingressClassName s*; 1 defaultBackend IngressBackend; 2 tls [IngressTLS];
   3 rules [IngressRule]
IngressTLS = 1 hosts [s]; 2 secretName s
IngressStatus = 1 loadBalancer IngressLoadBalancerStatus!
IngressLoadBalancerStatus = 1 ingress [IngressLoadBalancerIngress]
IngressLoadBalancerIngress = 1 ip s; 2 hostname s; 4 ports [IngressPortStatus]
IngressPortStatus = 1 port i!; 2 protocol s!; 3 error s*
IngressRule = 1 host s; 2 ^ IngressRuleValue
IngressRuleValue = 1 http HTTPIngressRuleValue
HTTPIngressRuleValue = 1 paths [HTTPIngressPath]
HTTPIngressPath = 1 path s; 3 pathType s*; 2 backend IngressBackend!
IngressBackend = 4 service IngressServiceBackend; 3 resource core.TypedLocalObjectReference
IngressServiceBackend = 1 name s!; 2 port ServiceBackendPort!
ServiceBackendPort = 1 name s; 2 number i
IngressClass = 1 metadata meta.ObjectMeta!; 2 spec IngressClassSpec!
IngressClassSpec = 1 controller s; 2 parameters IngressClassParametersReference
IngressClassParametersReference = 1 apiGroup s*; 2 kind s!; 3 name s!; 4 scope s*;
   5 namespace s*
@scheduling
PriorityClass = 1 metadata meta.ObjectMeta!; 2 value i!; 3 globalDefault b; 4 description s;
   5 preemptionPolicy s*
@authentication
TokenReview = 1 metadata meta.ObjectMeta!; 2 spec TokenReviewSpec!; 3 status TokenReviewStatus!
TokenReviewSpec = 1 token s; 2 audiences [s]
TokenReviewStatus = 1 authenticated b; 2 user UserInfo!; 4 audiences [s]; 3 error s
UserInfo = 1 username s; 2 uid s; 3 groups [s]; 4 extra {x.Strings}
TokenRequest = 1 metadata meta.ObjectMeta!; 2 spec TokenRequestSpec!;
   3 status TokenRequestStatus!
TokenRequestSpec = 1 audiences [s]~; 4 expirationSeconds i~;
   3 boundObjectRef BoundObjectReference~
TokenRequestStatus = 1 token s!; 2 expirationTimestamp meta.Time!
BoundObjectReference = 1 kind s; 2 apiVersion s; 3 name s; 4 uid s
SelfSubjectReview = 1 metadata meta.ObjectMeta!; 2 status SelfSubjectReviewStatus!
SelfSubjectReviewStatus = 1 userInfo UserInfo!
@authorization
SubjectAccessReview = 1 metadata meta.ObjectMeta!; 2 spec SubjectAccessReviewSpec!;
   3 status SubjectAccessReviewStatus!
SelfSubjectAccessReview = 1 metadata meta.ObjectMeta!; 2 spec SelfSubjectAccessReviewSpec!;
   3 status SubjectAccessReviewStatus!
LocalSubjectAccessReview = 1 metadata meta.ObjectMeta!; 2 spec SubjectAccessReviewSpec!;
   3 status SubjectAccessReviewStatus!
ResourceAttributes = 1 namespace s; 2 verb s; 3 group s; 4 version s; 5 resource s;
   6 subresource s; 7 name s; 8 fieldSelector FieldSelectorAttributes;
   9 labelSelector LabelSelectorAttributes
LabelSelectorAttributes = 1 rawSelector s; 2 requirements [meta.LabelSelectorRequirement]
FieldSelectorAttributes = 1 rawSelector s; 2 requirements [meta.FieldSelectorRequirement]
NonResourceAttributes = 1 path s; 2 verb s
SubjectAccessReviewSpec = 1 resourceAttributes ResourceAttributes;
   2 nonResourceAttributes NonResourceAttributes; 3 user s; 4 groups [s]; 5 extra {x.Strings};
   6 uid s; 7 authorizationOptions AuthorizationOptions
SelfSubjectAccessReviewSpec = 1 resourceAttributes ResourceAttributes;
   2 nonResourceAttributes NonResourceAttributes; 3 authorizationOptions AuthorizationOptions
AuthorizationOptions = 1 handledDecisionTypes [s]~
SubjectAccessReviewStatus = 1 allowed b!; 4 denied b; 2 reason s; 3 evaluationError s
SelfSubjectRulesReview = 1 metadata meta.ObjectMeta!; 2 spec SelfSubjectRulesReviewSpec!;
   3 status SubjectRulesReviewStatus!
SelfSubjectRulesReviewSpec = 1 namespace s
SubjectRulesReviewStatus = 1 resourceRules [ResourceRule]~;
   2 nonResourceRules [NonResourceRule]~; 3 incomplete b!; 4 evaluationError s
ResourceRule = 1 verbs [s]~; 2 apiGroups [s]; 3 resources [s]; 4 resourceNames [s]
NonResourceRule = 1 verbs [s]~; 2 nonResourceURLs [s]
"""

# (apiVersion, kind) of the objects a protobuf body may carry -> message.
KINDS: dict[tuple[str, str], str] = {
    **{
        ("v1", kind): "core." + kind
        for kind in [
            "Namespace",
            "Pod",
            "Service",
            "Endpoints",
            "ConfigMap",
            "Secret",
            "ServiceAccount",
            "Node",
            "Event",
            "Binding",
            "PodTemplate",
            "ReplicationController",
            "LimitRange",
            "ResourceQuota",
            "PersistentVolumeClaim",
            "PersistentVolume",
        ]
    },
    **{
        ("apps/v1", kind): "apps." + kind
        for kind in ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "ControllerRevision")
    },
    ("autoscaling/v1", "Scale"): "autoscaling.Scale",
    ("autoscaling/v1", "HorizontalPodAutoscaler"): "autoscaling.HorizontalPodAutoscaler",
    ("autoscaling/v2", "HorizontalPodAutoscaler"): "autoscaling2.HorizontalPodAutoscaler",
    ("coordination.k8s.io/v1", "Lease"): "coordination.Lease",
    ("policy/v1", "Eviction"): "policy.Eviction",
    ("policy/v1beta1", "Eviction"): "policy.Eviction",
    ("policy/v1", "PodDisruptionBudget"): "policy.PodDisruptionBudget",
    ("batch/v1", "Job"): "batch.Job",
    ("batch/v1", "CronJob"): "batch.CronJob",
    **{
        ("rbac.authorization.k8s.io/v1", kind): "rbac." + kind
        for kind in ("Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding")
    },
    ("networking.k8s.io/v1", "Ingress"): "networking.Ingress",
    ("networking.k8s.io/v1", "IngressClass"): "networking.IngressClass",
    ("scheduling.k8s.io/v1", "PriorityClass"): "scheduling.PriorityClass",
    **{
        ("authentication.k8s.io/v1", kind): "authentication." + kind
        for kind in ("TokenReview", "TokenRequest", "SelfSubjectReview")
    },
    **{
        ("authorization.k8s.io/v1", kind): "authorization." + kind
        for kind in (
            "SubjectAccessReview",
            "SelfSubjectAccessReview",
            "LocalSubjectAccessReview",
            "SelfSubjectRulesReview",
        )
    },
}

# Kinds registered into every group version (metav1.AddToGroupVersion): any apiVersion.
ANY_VERSION_KINDS: dict[str, str] = {
    "DeleteOptions": "meta.DeleteOptions",
    "CreateOptions": "meta.CreateOptions",
    "UpdateOptions": "meta.UpdateOptions",
    "PatchOptions": "meta.PatchOptions",
    "Status": "meta.Status",
}
